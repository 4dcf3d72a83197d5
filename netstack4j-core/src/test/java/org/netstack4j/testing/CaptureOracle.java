package org.netstack4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pairs every frame of a committed capture, as {@link PcapReader} reads it, with tshark's decode of the
 * same frame: the input of the oracle tests, which wrap the bytes with our views and compare fields.
 *
 * <p>tshark runs with IPv4/IPv6 reassembly off, so every field describes the frame it is printed
 * for (a first fragment shows its transport header, later fragments show none), and with checksum
 * validation on. Results are cached per capture and field list: several test classes ask for the
 * same decode.
 */
public final class CaptureOracle {
    private static final Map<String, List<OracleFrame>> CACHE = new ConcurrentHashMap<>();

    private CaptureOracle() {
    }

    /**
     * One frame of a capture and tshark's fields for it.
     *
     * @param capture the capture's file name
     * @param frame the frame's bytes and metadata
     * @param fields tshark's value for every requested field ("" when absent, comma-joined when repeated)
     */
    public record OracleFrame(String capture, PcapReader.Frame frame, Map<String, String> fields) {
        /** The frame's bytes. */
        public byte[] data() {
            return frame.data();
        }

        /** The field's value, all occurrences comma-joined; "" when absent. */
        public String get(String field) {
            String value = fields.get(field);
            if (value == null) {
                throw new IllegalArgumentException(field + " was not requested from tshark");
            }
            return value;
        }

        /** The field's first (outermost) occurrence; "" when absent. */
        public String first(String field) {
            return TShark.first(get(field));
        }

        /** Every occurrence of the field, outermost first. */
        public List<String> all(String field) {
            return TShark.occurrences(get(field));
        }

        /** True when tshark found the field in this frame. */
        public boolean has(String field) {
            return !get(field).isEmpty();
        }

        /** "capture.pcap frame N", for assertion messages. */
        public String where() {
            return capture + " frame " + frame.number();
        }

        @Override
        public String toString() {
            return where();
        }
    }

    /** Every frame of the capture {@code name} with the given tshark fields. */
    public static List<OracleFrame> frames(String name, String... fields) {
        String key = name + "\u0000" + String.join("\u0000", fields);
        return CACHE.computeIfAbsent(key, k -> load(name, fields));
    }

    /** Every frame of every committed capture with the given tshark fields, capture by capture. */
    public static List<OracleFrame> allFrames(String... fields) {
        List<OracleFrame> all = new ArrayList<>();
        for (String name : Captures.NAMES) {
            all.addAll(frames(name, fields));
        }
        return all;
    }

    private static List<OracleFrame> load(String name, String[] fields) {
        PcapReader.Capture capture = Captures.read(name);
        List<Map<String, String>> rows = TShark.read(Captures.path(name))
                .preference("ip.defragment", "FALSE")
                .preference("ipv6.defragment", "FALSE")
                .preference("ip.check_checksum", "TRUE")
                .preference("udp.check_checksum", "TRUE")
                .preference("tcp.check_checksum", "TRUE")
                // Absolute sequence numbers and no analysis: fields describe this segment only.
                .preference("tcp.relative_sequence_numbers", "FALSE")
                .preference("tcp.analyze_sequence_numbers", "FALSE")
                .fields(fields);
        if (rows.size() != capture.frames().size()) {
            throw new IllegalStateException(name + ": tshark shows " + rows.size() + " frames, PcapReader read "
                    + capture.frames().size());
        }
        List<OracleFrame> frames = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            frames.add(new OracleFrame(name, capture.frames().get(i), rows.get(i)));
        }
        return List.copyOf(frames);
    }
}
