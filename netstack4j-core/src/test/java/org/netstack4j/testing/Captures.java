package org.netstack4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The committed oracle captures ({@code org/netstack4j/wire/captures/*.pcap} on the test class path,
 * made by {@code scripts/make-captures.sh}) as files that tshark can open.
 */
public final class Captures {
    /** Every committed capture, by file name. */
    public static final List<String> NAMES = List.of(
            "arp.pcap",
            "icmpv4-echo.pcap",
            "ipv4-options.pcap",
            "icmpv4-fragmented.pcap",
            "icmpv6-echo-ndp.pcap",
            "icmpv6-fragmented.pcap",
            "udp-ipv4.pcap",
            "udp-ipv6.pcap",
            "tcp-ipv4.pcap",
            "tcp-ipv6.pcap",
            "ipv6-mld-dad.pcap");

    private static final String RESOURCE_DIRECTORY = "/org/netstack4j/wire/captures/";

    private Captures() {
    }

    /**
     * The capture {@code name} as a file: the resource itself when it is a plain file, otherwise (read
     * from the core test-jar by another module) a temporary copy deleted when the JVM exits.
     */
    public static Path path(String name) {
        URL url = Captures.class.getResource(RESOURCE_DIRECTORY + name);
        if (url == null) {
            throw new IllegalArgumentException("no capture " + name + " under " + RESOURCE_DIRECTORY);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path copy = Files.createTempFile("capture-", "-" + name);
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the capture {@code name} with {@link PcapReader}. */
    public static PcapReader.Capture read(String name) {
        try {
            return PcapReader.read(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
