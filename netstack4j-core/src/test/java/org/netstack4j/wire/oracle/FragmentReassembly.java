package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.netstack4j.testing.CaptureOracle.OracleFrame;

/**
 * Puts the fragmented datagrams of a capture back together (a test's simple reassembly, not the
 * stack's): the transport message of each, so its checksum can be verified and its header compared.
 */
final class FragmentReassembly {
    private FragmentReassembly() {
    }

    /**
     * One reassembled datagram.
     *
     * @param first the dissected first fragment (its IP header gives the pseudo-header)
     * @param protocol the transport protocol
     * @param message the whole transport message
     * @param fragments how many fragments it came in
     */
    record Datagram(FrameDissection first, int protocol, byte[] message, int fragments) {
    }

    private static final class Pending {
        FrameDissection first;
        int protocol = -1;
        final List<int[]> pieces = new ArrayList<>();  // {offset, length}
        final List<byte[]> data = new ArrayList<>();
        int total = -1;
    }

    /** Every datagram of {@code frames} that arrived in fragments, in order of its last fragment. */
    static List<Datagram> reassemble(List<OracleFrame> frames) {
        Map<String, Pending> pending = new LinkedHashMap<>();
        List<Datagram> done = new ArrayList<>();
        for (OracleFrame frame : frames) {
            FrameDissection d = FrameDissection.of(frame);
            if (!d.isFragment()) {
                continue;
            }
            String key;
            int offset;
            int dataOffset;
            int dataLength;
            boolean more;
            if (d.isIpv4()) {
                key = "4/" + d.ipv4.sourceAddress() + "/" + d.ipv4.destinationAddress() + "/"
                        + d.ipv4.identification() + "/" + d.ipv4.protocol();
                offset = d.ipv4.fragmentOffset();
                dataOffset = d.ipv4.payloadOffset();
                dataLength = d.ipv4.payloadLength();
                more = d.ipv4.moreFragments();
            } else {
                key = "6/" + d.ipv6.source() + "/" + d.ipv6.destination() + "/" + d.chain.fragmentIdentification();
                offset = d.chain.fragmentOffset();
                dataOffset = d.chain.upperLayerOffset();
                dataLength = d.chain.upperLayerLength();
                more = d.chain.moreFragments();
            }
            Pending p = pending.computeIfAbsent(key, k -> new Pending());
            if (offset == 0) {
                p.first = d;
                p.protocol = d.transportProtocol();
            }
            p.pieces.add(new int[] {offset, dataLength});
            byte[] piece = new byte[dataLength];
            System.arraycopy(d.data, dataOffset, piece, 0, dataLength);
            p.data.add(piece);
            if (!more) {
                p.total = offset + dataLength;
            }
            if (p.first != null && p.total >= 0 && covered(p) == p.total) {
                byte[] message = new byte[p.total];
                for (int i = 0; i < p.pieces.size(); i++) {
                    System.arraycopy(p.data.get(i), 0, message, p.pieces.get(i)[0], p.pieces.get(i)[1]);
                }
                done.add(new Datagram(p.first, p.protocol, message, p.pieces.size()));
                pending.remove(key);
            }
        }
        assertThat(pending).as("fragments left without a complete datagram").isEmpty();
        return done;
    }

    /** Bytes covered contiguously from 0 (the kernel's fragments neither overlap nor leave holes). */
    private static int covered(Pending p) {
        List<int[]> sorted = new ArrayList<>(p.pieces);
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        int end = 0;
        for (int[] piece : sorted) {
            if (piece[0] != end) {
                return -1;
            }
            end += piece[1];
        }
        return end;
    }
}
