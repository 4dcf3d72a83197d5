package org.netstack4j.link;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code tshark} on a capture file and returns one line of fields per packet. */
final class TShark {
    private TShark() {
    }

    /** The tshark executable on the PATH, or null. */
    static Path find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "tshark");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Decodes {@code capture} and prints {@code fields} per packet, separated by {@code |}; extra
     * preferences are {@code name:value} strings.
     */
    static List<String[]> fields(Path tshark, Path capture, List<String> preferences, String... fields)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", capture.toString(), "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=f"));
        for (String p : preferences) {
            cmd.add("-o");
            cmd.add(p);
        }
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try {
            out = proc.getInputStream().readAllBytes();
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("tshark did not finish within 60 s");
            }
        } finally {
            proc.destroyForcibly(); // our own child, by its handle; no-op once it exited
        }
        if (proc.exitValue() != 0) {
            throw new AssertionError("tshark exited with " + proc.exitValue() + ": " + cmd);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                rows.add(Arrays.copyOf(line.split("\\|", -1), fields.length));
            }
        }
        return rows;
    }
}
