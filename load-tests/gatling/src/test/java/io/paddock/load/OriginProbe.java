package io.paddock.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readings of the stack under load, taken from outside it as an operator would: the origin JVM's heap after a full
 * GC ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}), the client connections PostgreSQL holds
 * ({@code pg_stat_activity}, the probe's own left out) and Redis' {@code used_memory} ({@code INFO memory}). run.sh
 * passes the origin's pid and the two stores' ports; a reading whose source is not given (a deployed stage) is empty.
 */
final class OriginProbe {

    /** One reading; an empty field was not available. */
    record Reading(long atMillis, OptionalLong heapAfterGcBytes, OptionalLong postgresConnections, OptionalLong redisUsedMemoryBytes) {
    }

    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");

    private final String originPid = System.getProperty("paddock.originPid", "");
    private final String postgresPort = System.getProperty("paddock.postgresPort", "");
    private final String redisPort = System.getProperty("paddock.redisPort", "");

    boolean local() {
        return !originPid.isBlank() && !postgresPort.isBlank() && !redisPort.isBlank();
    }

    String sources() {
        return "origin pid " + blankAsNone(originPid) + ", PostgreSQL port " + blankAsNone(postgresPort) + ", Redis port " + blankAsNone(redisPort);
    }

    Reading read(long atMillis) {
        return new Reading(atMillis, heapAfterGc(), postgresConnections(), redisUsedMemory());
    }

    /** Heap in use right after a full collection: what the live objects hold, garbage left out. */
    OptionalLong heapAfterGc() {
        if (originPid.isBlank()) {
            return OptionalLong.empty();
        }
        // Twice: one full collection alone left readings alternating by a few tens of MB on the local app's JVM.
        jcmd("GC.run");
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        long used = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            // Generation and heap totals only: Metaspace and class space are not the heap.
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = USED.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
                found = true;
            }
        }
        return found ? OptionalLong.of(used) : OptionalLong.empty();
    }

    OptionalLong postgresConnections() {
        if (postgresPort.isBlank()) {
            return OptionalLong.empty();
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres?user=postgres");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            r.next();
            return OptionalLong.of(r.getLong(1));
        } catch (SQLException e) {
            System.err.println("soak: PostgreSQL reading failed: " + e.getMessage());
            return OptionalLong.empty();
        }
    }

    OptionalLong redisUsedMemory() {
        if (redisPort.isBlank()) {
            return OptionalLong.empty();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(redisPort)), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO memory\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // A bulk string: "$<length>\r\n<body>\r\n".
            StringBuilder header = new StringBuilder();
            for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
                header.append((char) b);
            }
            int length = Integer.parseInt(header.toString().trim().substring(1));
            String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
            Matcher m = Pattern.compile("(?m)^used_memory:(\\d+)").matcher(body);
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            System.err.println("soak: Redis reading failed: " + e.getMessage());
            return OptionalLong.empty();
        }
    }

    private String jcmd(String command) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process process = new ProcessBuilder(jcmd, originPid, command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                System.err.println("soak: jcmd " + command + " failed: " + output);
                return "";
            }
            return output;
        } catch (IOException e) {
            System.err.println("soak: jcmd " + command + " failed: " + e.getMessage());
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String blankAsNone(String value) {
        return value.isBlank() ? "none" : value;
    }
}
