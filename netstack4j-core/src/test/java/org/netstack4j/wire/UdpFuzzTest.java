package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary bytes into {@link UdpHeader#wrap}: a rejection must be one of the declared reasons; after
 * OK every accessor must work and the checksum helpers must agree with each other. Any exception is a
 * finding. The seed corpus lives in {@code UdpFuzzTestInputs/udpHeader/}.
 */
class UdpFuzzTest {
    private final UdpHeader udp = new UdpHeader();

    @Test
    void seedCorpusOfUdpHeaderHoldsWellFormedInputs() throws IOException {
        List<byte[]> seeds = FuzzInput.seeds(getClass(), "udpHeader");
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(4);
        for (byte[] seed : seeds) {
            FuzzInput in = FuzzInput.of(seed);
            assertThat(udp.wrap(in.data, in.offset, in.length)).isEqualTo(ParseResult.OK);
            udpHeader(seed);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void udpHeader(byte[] input) {
        FuzzInput in = FuzzInput.of(input);
        ParseResult r = udp.wrap(in.data, in.offset, in.length);
        if (!r.isOk()) {
            assertThat(r).isIn(ParseResult.TRUNCATED, ParseResult.UDP_BAD_LENGTH);
            assertThat(in.length >= UdpHeader.LENGTH).isEqualTo(r == ParseResult.UDP_BAD_LENGTH);
            return;
        }
        assertThat(in.length).isGreaterThanOrEqualTo(UdpHeader.LENGTH);
        int length = udp.length();
        assertThat(length).isBetween(UdpHeader.LENGTH, in.length);
        assertThat(length).isEqualTo(Bytes.u16(in.data, in.offset + 4));
        assertThat(udp.offset()).isEqualTo(in.offset);
        assertThat(udp.headerLength()).isEqualTo(UdpHeader.LENGTH);
        assertThat(udp.payloadOffset()).isEqualTo(in.offset + UdpHeader.LENGTH);
        assertThat(udp.payloadOffset() + udp.payloadLength()).isEqualTo(in.offset + length);

        byte[] rewritten = new byte[UdpHeader.LENGTH];
        UdpHeader.write(rewritten, 0, udp.sourcePort(), udp.destinationPort(), length);
        Bytes.put16(rewritten, 6, udp.checksum());
        assertThat(rewritten).isEqualTo(Arrays.copyOfRange(in.data, in.offset, in.offset + UdpHeader.LENGTH));

        int src = Bytes.i32(in.data, in.offset);
        int dst = ~src;
        int v4 = udp.computeChecksumIpv4(src, dst);
        assertThat(v4).isBetween(1, 0xffff);
        udp.setChecksum(v4);
        assertThat(udp.verifyChecksumIpv4(src, dst)).isTrue();
        int v6 = udp.computeChecksumIpv6(src, dst, ~dst, 1L);
        udp.setChecksum(v6);
        assertThat(udp.verifyChecksumIpv6(src, dst, ~dst, 1L)).isTrue();
        assertThat(udp.toString()).startsWith("UdpHeader[");
    }
}
