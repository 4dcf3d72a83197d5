package org.netstack4j.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the fuzz targets of this package turn one input into a {@code wrap} call: the first byte picks
 * the offset (1 to 8, so views are exercised at odd and even array offsets) in its low three bits and
 * how many trailing bytes to leave out of the range (0 to 7) in its top three bits. A seed made of a
 * zero byte followed by a packet therefore wraps exactly that packet.
 */
final class FuzzInput {
    final byte[] data;
    final int offset;
    final int length;

    private FuzzInput(byte[] data, int offset, int length) {
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    static FuzzInput of(byte[] input) {
        byte[] data = input.clone(); // targets rewrite checksums in place
        if (data.length == 0) {
            return new FuzzInput(data, 0, 0);
        }
        int control = data[0] & 0xff;
        int offset = Math.min(1 + (control & 0x7), data.length);
        int length = Math.max(0, data.length - offset - (control >>> 5));
        return new FuzzInput(data, offset, length);
    }

    /** The committed seed inputs of {@code testClass}'s fuzz target {@code method}, sorted by file name. */
    static List<byte[]> seeds(Class<?> testClass, String method) throws IOException {
        URL dir = testClass.getResource(testClass.getSimpleName() + "Inputs/" + method);
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                try (InputStream s = Files.newInputStream(f)) {
                    seeds.add(s.readAllBytes());
                }
            }
            return seeds;
        } catch (URISyntaxException | UncheckedIOException e) {
            throw new IOException(e);
        }
    }
}
