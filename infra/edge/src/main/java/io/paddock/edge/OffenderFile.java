package io.paddock.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The edge stand-in's offender list: the file nginx's {@code geo $waf_offender} includes, one CIDR a line
 * ({@code 192.0.2.1/32 1;}). It plays the WAF IP sets of waf.yaml; the local app's edge sync writes it from
 * edge_blocks as EdgeBlockSyncFunction writes the IP sets. nginx reads it when it (re)loads its
 * configuration, as WAF takes a moment to propagate an IP set.
 */
public final class OffenderFile {

    /** A CIDR as the sync writes it: digits, hex, dots and colons, a prefix. Anything else would break nginx's parse. */
    private static final Pattern CIDR = Pattern.compile("[0-9A-Fa-f.:]+/\\d{1,3}");

    private final Path file;

    public OffenderFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The CIDRs listed now; none when the file does not exist yet. */
    public Set<String> addresses() {
        Set<String> addresses = new TreeSet<>();
        if (!Files.exists(file)) {
            return addresses;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                addresses.add(entry.split("\\s+")[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the offender list " + file, e);
        }
        return addresses;
    }

    /**
     * Makes the list hold exactly {@code cidrs}. The file is replaced in one rename, so a reload never reads
     * half a list.
     */
    public void replace(Collection<String> cidrs) {
        StringBuilder text = new StringBuilder("# Offenders blocked at the edge stand-in (waf.yaml's offender IP sets); written from edge_blocks.\n");
        for (String cidr : new TreeSet<>(cidrs)) {
            if (!CIDR.matcher(cidr).matches()) {
                throw new IllegalArgumentException("not a CIDR: " + cidr);
            }
            text.append(cidr).append(" 1;\n");
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, text, StandardCharsets.UTF_8);
            try {
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the offender list " + file, e);
        }
    }

    /** Creates an empty list unless one exists (nginx refuses to start on a missing include). */
    public void createIfMissing() {
        if (!Files.exists(file)) {
            replace(List.of());
        }
    }
}
