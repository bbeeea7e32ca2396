package io.paddock.shared.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;

/**
 * Makes Quarkus' JSON log lines read like Powertools' (the fields CloudWatch Logs Insights queries and
 * Powertools users know: {@code cold_start}, {@code function_request_id}, {@code correlation_id}, ...):
 * the request's MDC entries become top-level fields instead of a nested {@code mdc} object, with
 * numbers and booleans as JSON numbers and booleans. Powertools' own Log4j logging would fight
 * Quarkus' JBoss LogManager for the console (platform notes), so the fields are written here.
 *
 * <p>Debug lines are sampled per request as Powertools does ({@code POWERTOOLS_LOGGER_SAMPLE_RATE}):
 * with a rate above 0, Paddock's loggers log at DEBUG but a debug line reaches the console only from
 * a request that drew the sample ({@code sampled} in its MDC).
 */
@ApplicationScoped
public class LogFields {

    static final String SAMPLED = "sampled";
    private static final Set<String> NUMBERS = Set.of("status", "latency_ms", "function_memory_size", "sampling_rate");
    private static final Set<String> BOOLEANS = Set.of("cold_start", SAMPLED);
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private final double debugSampleRate;

    public LogFields(ObservabilitySettings settings) {
        this.debugSampleRate = settings.debugSampleRate();
    }

    public double debugSampleRate() {
        return debugSampleRate;
    }

    void install(@Observes StartupEvent started) {
        Logger root = LogContext.getLogContext().getLogger("");
        for (Handler handler : root.getHandlers()) {
            flatten(handler);
        }
        if (debugSampleRate > 0) {
            LogContext.getLogContext().getLogger("io.paddock").setLevel(Level.FINE);
        }
    }

    private void flatten(Handler handler) {
        if (handler instanceof ExtHandler ext) {
            for (Handler child : ext.getHandlers()) {
                flatten(child);
            }
        }
        Formatter formatter = handler.getFormatter();
        if (formatter == null) {
            return; // a wrapper (delayed, async): its children write
        }
        if (formatter instanceof ExtFormatter json && formatter.getClass().getName().contains("Json")) {
            handler.setFormatter(new TopLevelMdc(json));
        }
        if (debugSampleRate > 0) {
            // Kept in front of Quarkus' own filter (it hides known-noisy lines), not instead of it.
            Filter quarkus = handler.getFilter();
            handler.setFilter(record -> passesSampling(record) && (quarkus == null || quarkus.isLoggable(record)));
        }
    }

    static boolean passesSampling(LogRecord record) {
        return record.getLevel().intValue() >= Level.INFO.intValue()
                || record instanceof ExtLogRecord ext && "true".equals(ext.getMdc(SAMPLED));
    }

    /**
     * Reads the wrapped formatter's line as JSON and writes it again with the MDC entries as top-level fields:
     * a JSON writer, not text spliced before the last brace, so an entry named like one of the formatter's own
     * fields replaces it instead of making a duplicate key, and escaping is Jackson's. A line that is not a JSON
     * object (another formatter) is passed on as it was.
     */
    static final class TopLevelMdc extends ExtFormatter {

        private static final ObjectMapper JSON = new ObjectMapper();

        private final ExtFormatter json;

        TopLevelMdc(ExtFormatter json) {
            this.json = json;
        }

        @Override
        public String format(ExtLogRecord record) {
            String line = json.format(record);
            Map<String, String> mdc = record.getMdcCopy();
            if (mdc.isEmpty()) {
                return line;
            }
            try {
                if (!(JSON.readTree(line) instanceof ObjectNode fields)) {
                    return line;
                }
                fields.remove("mdc"); // its entries move up, as the class comment says
                for (Map.Entry<String, String> field : mdc.entrySet()) {
                    String key = field.getKey();
                    String value = field.getValue();
                    if (NUMBERS.contains(key) && NUMBER.matcher(value).matches()) {
                        fields.put(key, new BigDecimal(value));
                    } else if (BOOLEANS.contains(key) && (value.equals("true") || value.equals("false"))) {
                        fields.put(key, Boolean.parseBoolean(value));
                    } else {
                        fields.put(key, value);
                    }
                }
                // The record delimiter (a newline) stays as the wrapped formatter wrote it.
                return JSON.writeValueAsString(fields) + line.substring(line.stripTrailing().length());
            } catch (JsonProcessingException notJson) {
                return line;
            }
        }
    }
}
