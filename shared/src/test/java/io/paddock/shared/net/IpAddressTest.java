package io.paddock.shared.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest(name = "{0} is spelled {1}")
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "::FFFF:10.0.0.1, 10.0.0.1",
            "::ffff:c000:0201, 192.0.2.1",
            "0:0:0:0:0:FFFF:C000:201, 192.0.2.1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0::1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8::1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "0:0:0:0:0:0:0:1, ::1",
            "1:0:0:0:0:0:0:0, 1::",
            "::, ::",
            "::192.0.2.1, ::c000:201",
            "FE80::0200:F8FF:FE21:67CF, fe80::200:f8ff:fe21:67cf"
    })
    void everySpellingOfAnAddressHasOneCanonicalForm(String written, String canonical) {
        assertEquals(canonical, IpAddress.of(written).toString());
        assertEquals(IpAddress.of(canonical), IpAddress.of(written));
    }

    @ParameterizedTest(name = "''{0}'' is not an address")
    @ValueSource(strings = {"", " 192.0.2.1", "192.0.2.1 ", "192.0.2", "192.0.2.256", "1.2.3.4.5", "3221225985",
            "0xC0.0xA8.0.1", "example.com", "localhost", "192.0.2.0/24", "2001:db8::/64", "[2001:db8::1]",
            "fe80::1%eth0", "1::2::3", "12345::", "2001:db8:1:2:3:4:5:6:7", "::g", "1:2", ":", "::ffff:1.2.3",
            "１９２.0.2.1", ".:1", "'; DROP TABLE edge_blocks; --"})
    void textThatIsNotALiteralIsRefused(String text) {
        assertEquals(Optional.empty(), IpAddress.parse(text));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.of(text));
        assertTrue(e.getMessage().startsWith("not an IPv4 or IPv6 address"), e.getMessage());
    }

    /** Octal to inet_aton, decimal to others: the text names two addresses, so it names none here. */
    @ParameterizedTest(name = "''{0}'' is refused for its leading zero")
    @ValueSource(strings = {"010.000.000.001", "10.0.0.01", "192.0.2.01", "00.0.0.0", "::ffff:010.0.0.1", "::010.0.0.1"})
    void anIpv4PartWithALeadingZeroIsRefused(String text) {
        assertEquals(Optional.empty(), IpAddress.parse(text));
    }

    @Test
    void nullIsNotAnAddress() {
        assertEquals(Optional.empty(), IpAddress.parse(null));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.of(null));
    }

    @Test
    void aMappedAddressIsIpv4AndACompatibleOneStaysIpv6() {
        assertFalse(IpAddress.of("::ffff:192.0.2.1").isIpv6());
        assertTrue(IpAddress.of("::192.0.2.1").isIpv6());
        assertTrue(IpAddress.of("2001:db8::1").isIpv6());
        assertFalse(IpAddress.of("192.0.2.1").isIpv6());
    }

    @Test
    void aLongTextIsShortenedInTheMessage() {
        String text = "a".repeat(500);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.of(text));
        assertTrue(e.getMessage().length() < 120, e.getMessage());
    }
}
