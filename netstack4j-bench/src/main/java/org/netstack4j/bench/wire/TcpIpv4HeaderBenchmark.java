package org.netstack4j.bench.wire;

import java.util.concurrent.TimeUnit;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOptions;
import org.netstack4j.wire.TcpOptionsWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole header cost of one TCP/IPv4 segment with options, as the stack pays it: parse (IPv4
 * wrap with header-checksum check, TCP wrap with option validation, option parse) and emit (TCP
 * header with SYN options, IPv4 header, both checksums over a header-only segment). Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} must stay at zero.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpIpv4HeaderBenchmark {
    private static final int SRC = 0xc612_0001; // 198.18.0.1
    private static final int DST = 0xc612_0002; // 198.18.0.2

    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private final TcpOptions synOptions = new TcpOptions();
    private byte[] packet;
    private byte[] out;

    @Setup
    public void setUp() {
        synOptions.setMss(1460);
        synOptions.setSackPermitted(true);
        synOptions.setTimestamps(0x1234_5678, 0);
        synOptions.setWindowScale(7);
        out = new byte[128];
        packet = new byte[128];
        int len = emit(packet);
        packet = java.util.Arrays.copyOf(packet, len);
        if (parse() < 0) {
            throw new IllegalStateException("benchmark packet does not parse");
        }
    }

    private int emit(byte[] b) {
        int tcpAt = Ipv4Header.MIN_LENGTH;
        int optionsLength = TcpOptionsWriter.write(b, tcpAt + TcpHeader.MIN_LENGTH, synOptions);
        int tcpLength = TcpHeader.MIN_LENGTH + optionsLength;
        TcpHeader.write(b, tcpAt, 50000, 80, 0x469e_70af, 0, tcpLength, TcpHeader.SYN, 64240, 0);
        int sum = Checksum.partial(b, tcpAt, tcpLength,
                Checksum.pseudoHeaderIpv4(SRC, DST, Ipv4Header.PROTOCOL_TCP, tcpLength));
        org.netstack4j.wire.Bytes.put16(b, tcpAt + 16, Checksum.finish(sum));
        Ipv4Header.write(b, 0, 0, Ipv4Header.MIN_LENGTH + tcpLength, 0x1c46, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64,
                Ipv4Header.PROTOCOL_TCP, SRC, DST);
        return Ipv4Header.MIN_LENGTH + tcpLength;
    }

    private int parse() {
        if (ip.wrap(packet, 0, packet.length) != ParseResult.OK || !ip.isChecksumValid()
                || tcp.wrap(packet, ip.payloadOffset(), ip.payloadLength()) != ParseResult.OK
                || options.parse(tcp) != ParseResult.OK) {
            return -1;
        }
        return options.mss() + tcp.destinationPort();
    }

    @Benchmark
    public int parseTcpIpv4WithOptions() {
        return parse();
    }

    @Benchmark
    public int emitTcpIpv4WithOptions() {
        return emit(out);
    }
}
