package io.paddock.ratelimit.edge;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.Wafv2ClientBuilder;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.IPAddressVersion;
import software.amazon.awssdk.services.wafv2.model.Scope;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/**
 * The edge blocklist as AWS WAF IP sets referenced by the CloudFront web ACL. The web ACL sits on
 * CloudFront because an API Gateway HTTP API cannot have one; such IP sets have scope CLOUDFRONT and
 * live in us-east-1 whatever region the functions run in.
 *
 * <p>A WAF IP set holds one IP version, so there are two: the IPv4 set is required, the IPv6 set is
 * optional. CloudFront serves IPv6 clients by default, so without the IPv6 set those offenders are
 * only rate limited, not blocked at the edge; {@link #accepts} says so and the sync reports them as
 * skipped rather than failing the IPv4 mirror over them.
 *
 * <p>Updates follow WAF's optimistic locking: GetIPSet returns the addresses and a lock token,
 * UpdateIPSet must present it. When another writer got in between (an overlapping run, an edit in the
 * console), the set is read again and the update tried once more; a second conflict fails the run and
 * the next scheduled one starts afresh.
 */
public final class WafIpSetBlocklist implements EdgeBlocklist {

    /** The region of every CLOUDFRONT-scope WAF resource. */
    static final Region CLOUDFRONT_SCOPE_REGION = Region.US_EAST_1;
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    /** Name and id of one IP set, as WAF's console and CloudFormation ({@code !GetAtt Set.Id}) show them. */
    public record IpSet(String name, String id) {

        // WAF's own patterns for the two (API reference, IPSet): validated here so a typo in the
        // configuration fails the function at init, not every minute at the first call.
        private static final Pattern NAME = Pattern.compile("[\\w-]{1,128}");
        private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}");

        public IpSet {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("IP set name must be 1-128 letters, digits, _ or -, got '" + name + "'");
            }
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("IP set id must look like a1b2c3d4-5678-90ab-cdef-0123456789ab, got '"
                        + id + "'");
            }
        }
    }

    private final Wafv2Client waf;
    private final IpSet ipv4;
    private final Optional<IpSet> ipv6;

    public WafIpSetBlocklist(Wafv2Client waf, IpSet ipv4, Optional<IpSet> ipv6) {
        this.waf = waf;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** The client for the real WAF API, with the function's IAM role as credentials. */
    public static Wafv2Client client() {
        return builder().region(CLOUDFRONT_SCOPE_REGION)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .build();
    }

    /** A client for another endpoint speaking the WAF API (tests). */
    static Wafv2Client client(URI endpoint, AwsCredentialsProvider credentials) {
        return builder().region(CLOUDFRONT_SCOPE_REGION).endpointOverride(endpoint).credentialsProvider(credentials).build();
    }

    private static Wafv2ClientBuilder builder() {
        // A scheduled run has a minute until the next one: a slow WAF call fails this one quickly
        // instead of holding the invocation (the SDK's retries still fit inside the call timeout).
        return Wafv2Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(ATTEMPT_TIMEOUT)
                        .socketTimeout(ATTEMPT_TIMEOUT)
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT).apiCallAttemptTimeout(ATTEMPT_TIMEOUT));
    }

    @Override
    public Set<String> addresses() {
        Set<String> all = new TreeSet<>(read(ipv4, IPAddressVersion.IPV4).ipSet().addresses());
        ipv6.ifPresent(set -> all.addAll(read(set, IPAddressVersion.IPV6).ipSet().addresses()));
        return all;
    }

    @Override
    public boolean accepts(String cidr) {
        return !isIpv6(cidr) || ipv6.isPresent();
    }

    @Override
    public void replace(Set<String> cidrs) {
        Set<String> v4 = new TreeSet<>();
        Set<String> v6 = new TreeSet<>();
        for (String cidr : cidrs) {
            (isIpv6(cidr) ? v6 : v4).add(cidr);
        }
        if (!v6.isEmpty() && ipv6.isEmpty()) {
            throw new IllegalArgumentException("IPv6 addresses given but no IPv6 IP set is configured: " + v6);
        }
        write(ipv4, IPAddressVersion.IPV4, v4);
        ipv6.ifPresent(set -> write(set, IPAddressVersion.IPV6, v6));
    }

    private void write(IpSet set, IPAddressVersion version, Set<String> cidrs) {
        try {
            update(set, read(set, version), cidrs);
        } catch (WafOptimisticLockException e) {
            update(set, read(set, version), cidrs);
        }
    }

    private void update(IpSet set, GetIpSetResponse current, Set<String> cidrs) {
        // replace() writes both sets when only one of them changed; the other keeps its lock token.
        if (canonical(current.ipSet().addresses()).equals(canonical(cidrs))) {
            return;
        }
        waf.updateIPSet(b -> b.name(set.name()).id(set.id()).scope(Scope.CLOUDFRONT)
                .addresses(List.copyOf(new TreeSet<>(cidrs)))
                // UpdateIPSet replaces the whole IP set definition: a description left out would be erased.
                .description(current.ipSet().description())
                .lockToken(current.lockToken()));
    }

    private GetIpSetResponse read(IpSet set, IPAddressVersion expected) {
        GetIpSetResponse response = waf.getIPSet(b -> b.name(set.name()).id(set.id()).scope(Scope.CLOUDFRONT));
        if (response.ipSet().ipAddressVersion() != expected) {
            // WAF would refuse the update anyway, with a message that does not name the setting.
            throw new IllegalStateException("WAF IP set " + set.name() + " holds " + response.ipSet().ipAddressVersionAsString()
                    + " addresses; it is configured as the " + expected + " set");
        }
        return response;
    }

    private static Set<String> canonical(Collection<String> cidrs) {
        Set<String> canonical = new TreeSet<>();
        for (String cidr : cidrs) {
            canonical.add(EdgeBlockSync.canonicalCidr(cidr));
        }
        return canonical;
    }

    private static boolean isIpv6(String cidr) {
        return cidr.indexOf(':') >= 0;
    }
}
