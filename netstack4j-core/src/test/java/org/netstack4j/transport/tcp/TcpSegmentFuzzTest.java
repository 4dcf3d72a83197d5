package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.SYN;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.TcpOptions;

/**
 * Arbitrary segments into a listener and an established connection (with data in flight both ways): nothing
 * may throw, no internal error may be counted, and everything the stack sends must be a well-formed segment
 * with a correct checksum (the harness checks). Input: a sequence of records {@code [control][length][bytes]}:
 * control bit 0 sends to the listener's port from a new port, bit 1 sets the sequence and acknowledgment
 * numbers near the connection's (so the segment gets past the window checks), bits 2–4 advance the clock by
 * up to 7 × 150 ms first (timers fire), bits 5–7 are the TCP flags' low bits mixed in.
 */
class TcpSegmentFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void segments(byte[] data) throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.builder().synQueueLimit(2).timeWaitCap(2)
                .timeWait(Duration.ofSeconds(1)).build());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 4);
        h.send(5555, 80, 1000, 0, SYN, 65535, new TcpOptions().setMss(1400).setWindowScale(2).setSackPermitted(true)
                .setTimestamps(5, 0), 0);
        int iss = h.last().seq();
        h.send(5555, 80, 1001, iss + 1, ACK, 65535, new TcpOptions().setTimestamps(6, h.last().options().tsVal()), 300);
        TcpConnection c = l.poll();
        if (c != null) {
            c.snd.tryWrite(new byte[20000], 0, 20000);
            c.appWake();
            h.runTasks();
        }
        int at = 0;
        for (int records = 0; records < 64 && at + 2 <= data.length; records++) {
            int control = data[at] & 0xff;
            int length = Math.min(data[at + 1] & 0xff, data.length - at - 2);
            byte[] seg = new byte[Math.max(20, length)];
            System.arraycopy(data, at + 2, seg, 0, length);
            at += 2 + length;
            h.advanceMillis(((control >>> 2) & 7) * 150L);
            boolean toListener = (control & 1) != 0;
            Bytes.put16(seg, 0, toListener ? 6000 + records : 5555);
            Bytes.put16(seg, 2, 80);
            if ((control & 2) != 0 && c != null) {
                Bytes.put32(seg, 4, c.rcvNxt + (seg.length > 8 ? seg[8] : 0));
                Bytes.put32(seg, 8, c.sndUna + (seg.length > 9 ? seg[9] * 100 : 0));
            }
            seg[13] = (byte) (seg[13] ^ (control >>> 5));
            deliver(h, seg);
        }
        h.advanceMillis(5000);
        assertThat(h.tcp.counters().get(TcpCounter.INTERNAL_ERRORS)).isZero();
    }

    private static void deliver(ProtocolHarness h, byte[] seg) {
        PacketBuffer p = new PacketBuffer(64 + 20 + seg.length, 64);
        p.append(20 + seg.length);
        byte[] b = p.array();
        int s = p.start();
        Ipv4Header.write(b, s, 0, 20 + seg.length, 1, 0, 0, 64, 6, ProtocolHarness.PEER, ProtocolHarness.LOCAL);
        System.arraycopy(seg, 0, b, s + 20, seg.length);
        int pseudo = Checksum.pseudoHeaderIpv4(ProtocolHarness.PEER, ProtocolHarness.LOCAL, 6, seg.length);
        Bytes.put16(b, s + 36, Checksum.computeSkippingField(b, s + 20, seg.length, 16, pseudo));
        p.networkOffset(s);
        p.transportOffset(s + 20);
        h.tcp.deliver(1, 4, p);
        h.runTasks();
    }
}
