package io.paddock.shared.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void mdcEntriesBecomeTopLevelFieldsWithTheirJsonTypes() throws Exception {
        MDC.put("correlation_id", "req-\"1\"\n");
        MDC.put("cold_start", "true");
        MDC.put("status", "503");
        MDC.put("latency_ms", "12");
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "GET /v1/feed 503", ExtLogRecord.FormatStyle.NO_FORMAT,
                LogFieldsTest.class.getName());
        JsonNode line = JSON.readTree(new LogFields.TopLevelMdc(json()).format(record));
        assertEquals("GET /v1/feed 503", line.get("message").asText());
        assertEquals("req-\"1\"\n", line.get("correlation_id").asText(), "escaped, and read back intact");
        assertTrue(line.get("cold_start").isBoolean());
        assertEquals(503, line.get("status").intValue());
        assertTrue(line.get("latency_ms").isNumber());
    }

    @Test
    void anMdcEntryNamedLikeAFormatterFieldReplacesItInsteadOfDuplicatingTheKey() throws Exception {
        MDC.put("message", "from the MDC");
        MDC.put("note", "tab\tand \u0001 control");
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "from the record", ExtLogRecord.FormatStyle.NO_FORMAT,
                LogFieldsTest.class.getName());
        String formatted = new LogFields.TopLevelMdc(json()).format(record);
        assertTrue(formatted.endsWith("}\n"), "one line, delimiter kept: " + formatted);
        // A reader that refuses duplicate keys, as some log pipelines do.
        JsonNode line = JSON.copy().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .readTree(formatted);
        assertFalse(line.has("mdc"), "the entries moved up, not copied: " + formatted);
        assertEquals("from the MDC", line.get("message").asText());
        assertEquals("tab\tand \u0001 control", line.get("note").asText());
    }

    @Test
    void debugLinesPassOnlyFromASampledRequest() {
        ExtLogRecord debug = new ExtLogRecord(Level.FINE, "cache miss", LogFieldsTest.class.getName());
        ExtLogRecord info = new ExtLogRecord(Level.INFO, "request", LogFieldsTest.class.getName());
        assertFalse(LogFields.passesSampling(debug));
        assertTrue(LogFields.passesSampling(info));
        MDC.put(LogFields.SAMPLED, "true");
        ExtLogRecord sampled = new ExtLogRecord(Level.FINE, "cache miss", LogFieldsTest.class.getName());
        assertTrue(LogFields.passesSampling(sampled));
    }

    private static ExtFormatter json() {
        JsonFormatter formatter = new JsonFormatter();
        formatter.setRecordDelimiter("\n");
        return formatter;
    }
}
