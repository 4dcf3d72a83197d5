package org.netstack4j.tun.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Bounded external commands, sysctls and names for the device tests (inside the private namespace). */
final class TestSupport {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestSupport() {
    }

    /** A device or namespace name unique to this JVM and call, at most 15 characters. */
    static String uniqueName(String prefix) {
        String name = prefix + (ProcessHandle.current().pid() % 100000) + "x" + NAMES.incrementAndGet();
        return name.length() > 15 ? name.substring(name.length() - 15) : name;
    }

    /** Runs a command to completion (at most {@code seconds}), returns its output; fails on a non-zero exit. */
    static String run(int seconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IOException("timed out after " + seconds + " s: " + String.join(" ", command));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + out);
            }
            return out;
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly(); // by this process's own handle (its PID), never by name
            }
        }
    }

    /** Starts a command in the background; the caller stops it with {@link #stop}. */
    static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Stops a background process by its handle (PID) and waits a bounded time. */
    static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(2, TimeUnit.SECONDS);
        }
    }

    /** Writes a sysctl of this (private) namespace, e.g. {@code net/ipv6/conf/tun0/disable_ipv6}. */
    static void sysctl(String key, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys", key), value);
    }

    /** Disables IPv6 on {@code device}, so that no router solicitations or MLD reports appear on it. */
    static void disableIpv6(String device) throws IOException {
        sysctl("net/ipv6/conf/" + device + "/disable_ipv6", "1");
    }

    /** How many fds this process has open. */
    static int openFdCount() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the directory stream's own fd
        }
    }

    /** What each open fd points at, e.g. {@code 23 -> /dev/net/tun} (for leak reports). */
    static java.util.Map<Integer, String> openFds() throws IOException {
        java.util.Map<Integer, String> fds = new java.util.TreeMap<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    fds.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile (the listing's own fd)
                }
            }
        }
        return fds;
    }

    /** How many open fds point at {@code target} (e.g. {@code /dev/net/tun}, {@code anon_inode:[eventfd]}). */
    static int openFdsTo(String target) throws IOException {
        int n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(target)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
