package org.netstack4j.wire;

import static org.netstack4j.wire.IcmpFuzz.check;
import static org.netstack4j.wire.IcmpFuzz.checkChecksumVerdict;
import static org.netstack4j.wire.IcmpFuzz.checkRebuiltEqualsInput;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz target for {@link Icmpv4Message#wrap}. Input layout: see {@link IcmpFuzz.Range}; the
 * view is exercised at shifting offsets with bytes on both sides.
 * Anything but a declared rejection, or an accessor throwing after {@link ParseResult#OK}, is a
 * finding.
 */
class Icmpv4FuzzTest {
    private static final Icmpv4Message VIEW = new Icmpv4Message();

    @FuzzTest(maxDuration = "2m")
    void wrap(byte[] input) {
        IcmpFuzz.Range range = IcmpFuzz.Range.of(input);
        if (range == null) {
            return;
        }
        int offset = range.offset();
        int length = range.length();
        ParseResult result = VIEW.wrap(input, offset, length);
        if (!result.isOk()) {
            check(result == ParseResult.TRUNCATED || result == ParseResult.ICMP_TRUNCATED_MESSAGE,
                    "undeclared rejection " + result);
            check(length < Icmpv4Message.minimumLength(length >= 1 ? input[offset] & 0xff : 0),
                    "rejected a long enough message: " + result);
            return;
        }
        Icmpv4Message m = VIEW;
        int type = m.type();
        check(m.length() == length && m.offset() == offset, "bounds");
        check(length >= Icmpv4Message.minimumLength(type), "accepted below the type minimum");
        check(m.payloadOffset() + m.payloadLength() == offset + length, "payload bounds");
        check(m.invokingDatagramOffset() + m.invokingDatagramLength() <= input.length, "invoking bounds");
        if (m.isError()) {
            check(m.invokingDatagramLength() >= 20, "error without the invoking IPv4 header");
        }
        int word = m.restOfHeader();
        check(m.identifier() == word >>> 16 && m.sequenceNumber() == (word & 0xffff), "echo fields");
        check(m.nextHopMtu() == (word & 0xffff) && m.pointer() == word >>> 24, "error fields");
        check(m.gateway().value() == m.gatewayAddress(), "gateway");
        m.code();
        m.toString();

        int computed = m.computeChecksum();
        int stored = m.checksum();
        boolean valid = m.checksumValid();
        checkChecksumVerdict(valid, stored, computed);

        // Writers are the inverse of the reader.
        byte[] rebuilt = Arrays.copyOfRange(input, offset, offset + length);
        if (type == Icmpv4Message.TYPE_ECHO_REQUEST || type == Icmpv4Message.TYPE_ECHO_REPLY) {
            Icmpv4Message.writeEcho(rebuilt, 0, type, m.identifier(), m.sequenceNumber(), m.payloadLength());
            rebuilt[1] = (byte) m.code();
        } else {
            Icmpv4Message.writeErrorHeader(rebuilt, 0, type, m.code(), word, m.payloadLength());
        }
        Icmpv4Message.writeChecksum(rebuilt, 0, rebuilt.length);
        check(Icmpv4Message.parse(rebuilt).checksumValid(), "written checksum does not verify");
        check(Checksum.partial(rebuilt, 0, rebuilt.length, 0) == 0xffff, "written checksum");
        checkRebuiltEqualsInput(rebuilt, input, offset, length);
    }
}
