package org.netstack4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Wireshark's {@code tshark} as an independent decoder: the oracle our wire views are checked
 * against. A query is {@code tshark -n -r FILE -T fields -E separator=/t -E occurrence=a -E aggregator=,
 * [-o pref:value]… [-Y filter] -e field…}; each output line (one per frame shown) becomes a map from
 * field name to its text, in the order the fields were asked for.
 *
 * <p>With {@code occurrence=a} a field present several times in a frame (an ICMP error's inner IP
 * header, repeated TCP options) comes back as one comma-joined string; {@link #occurrences} splits it.
 * A field absent from a frame maps to the empty string.
 *
 * <p>tshark runs with an empty private configuration directory, so a user's Wireshark preferences
 * cannot change what it decodes, and without name resolution ({@code -n}).
 */
public final class TShark {
    private static final String EXECUTABLE = "tshark";
    private static final long TIMEOUT_SECONDS = 120;
    private static volatile String version;
    private static volatile Boolean available;

    private TShark() {
    }

    /** True when a working {@code tshark} is on the PATH. */
    public static boolean available() {
        Boolean known = available;
        if (known == null) {
            String v = probeVersion();
            version = v;
            known = v != null;
            available = known;
        }
        return known;
    }

    /** The first line of {@code tshark --version}, or {@code null} when tshark is not available. */
    public static String version() {
        available();
        return version;
    }

    /**
     * A JUnit assumption: skips the calling test, with a reason printed to standard error and given
     * to JUnit, when tshark is not installed ({@code scripts/install-test-deps.sh} installs it).
     */
    public static void assumeAvailable() {
        if (!available()) {
            String reason = "tshark is not installed (scripts/install-test-deps.sh installs it): skipping";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
    }

    /** Starts a query against the capture file at {@code pcap}. */
    public static Query read(Path pcap) {
        return new Query(pcap);
    }

    /** Splits a field value of several occurrences (comma-joined) into its parts; empty for "". */
    public static List<String> occurrences(String value) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        return List.of(value.split(",", -1));
    }

    /** The first occurrence of a field value (the outermost header's), or "" when absent. */
    public static String first(String value) {
        if (value == null) {
            return "";
        }
        int comma = value.indexOf(',');
        return comma < 0 ? value : value.substring(0, comma);
    }

    /** One tshark invocation being assembled: preferences, an optional display filter, then fields. */
    public static final class Query {
        private final Path pcap;
        private final List<String> preferences = new ArrayList<>();
        private String displayFilter;

        private Query(Path pcap) {
            this.pcap = pcap;
        }

        /** Sets a dissector preference for this run ({@code -o name:value}), e.g. {@code ip.defragment}. */
        public Query preference(String name, String value) {
            preferences.add(name + ":" + value);
            return this;
        }

        /** Shows only the frames matching a display filter ({@code -Y}). */
        public Query displayFilter(String filter) {
            this.displayFilter = filter;
            return this;
        }

        /**
         * Runs tshark and returns one map per frame shown, in frame order, each holding every
         * requested field (empty string when the frame does not have it).
         *
         * @throws IllegalStateException when tshark fails, times out or prints a line that does
         *                               not have one column per field
         */
        public List<Map<String, String>> fields(String... fields) {
            if (fields.length == 0) {
                throw new IllegalArgumentException("no fields requested");
            }
            List<String> command = new ArrayList<>(List.of(EXECUTABLE, "-n", "-r", pcap.toString(),
                    "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,",
                    "-E", "header=n", "-E", "quote=n"));
            for (String preference : preferences) {
                command.add("-o");
                command.add(preference);
            }
            if (displayFilter != null) {
                command.add("-Y");
                command.add(displayFilter);
            }
            for (String field : fields) {
                command.add("-e");
                command.add(field);
            }
            String out = run(command);
            List<Map<String, String>> rows = new ArrayList<>();
            if (out.isEmpty()) {
                return List.of();
            }
            // One line per frame, each ending in a newline; with one field an empty line is a frame too.
            String body = out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
            for (String line : body.split("\n", -1)) {
                String[] columns = line.split("\t", -1);
                if (columns.length != fields.length) {
                    throw new IllegalStateException("tshark printed " + columns.length + " columns for "
                            + fields.length + " fields: " + line);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < fields.length; i++) {
                    row.put(fields[i], columns[i]);
                }
                rows.add(Collections.unmodifiableMap(row));
            }
            return List.copyOf(rows);
        }
    }

    private static String probeVersion() {
        try {
            String out = run(List.of(EXECUTABLE, "--version"));
            int newline = out.indexOf('\n');
            return newline < 0 ? out : out.substring(0, newline);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static String run(List<String> command) {
        Path configDir = null;
        Process process = null;
        try {
            configDir = Files.createTempDirectory("tshark-config");
            ProcessBuilder builder = new ProcessBuilder(command);
            // An empty personal configuration: the decode depends only on the preferences given here.
            builder.environment().put("WIRESHARK_CONFIG_DIR", configDir.toString());
            process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAsync(process.getInputStream());
            CompletableFuture<String> stderr = readAsync(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("tshark did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            String out = stdout.get();
            if (process.exitValue() != 0) {
                throw new IllegalStateException("tshark exited with " + process.exitValue() + ": " + command
                        + "\n" + stderr.get());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run tshark: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running tshark", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read tshark's output", e.getCause());
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            deleteRecursively(configDir);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "tshark-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover empty directory in the temp dir is harmless.
        }
    }
}
