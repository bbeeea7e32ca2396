package io.paddock.shared.observability;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    /** Writes the wrapped formatter's line, then the MDC entries as top-level fields of the same object. */
    static final class TopLevelMdc extends ExtFormatter {

        private final ExtFormatter json;

        TopLevelMdc(ExtFormatter json) {
            this.json = json;
        }

        @Override
        public String format(ExtLogRecord record) {
            String line = json.format(record);
            Map<String, String> mdc = record.getMdcCopy();
            int end = line.lastIndexOf('}');
            if (mdc.isEmpty() || end < 0) {
                return line;
            }
            StringBuilder out = new StringBuilder(line.length() + 64 * mdc.size()).append(line, 0, end);
            for (Map.Entry<String, String> field : mdc.entrySet()) {
                out.append(",\"");
                escape(field.getKey(), out);
                out.append("\":");
                String value = field.getValue();
                if (NUMBERS.contains(field.getKey()) && NUMBER.matcher(value).matches()
                        || BOOLEANS.contains(field.getKey()) && (value.equals("true") || value.equals("false"))) {
                    out.append(value);
                } else {
                    out.append('"');
                    escape(value, out);
                    out.append('"');
                }
            }
            return out.append(line, end, line.length()).toString();
        }

        private static void escape(String s, StringBuilder out) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
    }
}
