package org.netstack4j.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz target for {@link Icmpv4Message#wrap}. Input layout: octet 0 (low four bits) is how many
 * octets after the two control octets precede the message, octet 1 (low four bits) how many octets
 * at the end follow it, so the view is exercised at shifting offsets with bytes on both sides.
 * Anything but a declared rejection, or an accessor throwing after {@link ParseResult#OK}, is a
 * finding.
 */
class Icmpv4FuzzTest {
    private static final Icmpv4Message VIEW = new Icmpv4Message();

    @FuzzTest(maxDuration = "2m")
    void wrap(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int offset = Math.min(input.length, 2 + (input[0] & 0x0f));
        int length = Math.max(0, input.length - offset - (input[1] & 0x0f));
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

        // The stored checksum verifies exactly when it is the computed one (or the other zero).
        int computed = m.computeChecksum();
        int stored = m.checksum();
        boolean valid = m.checksumValid();
        check(valid == (stored == computed || (computed == 0 && stored == 0xffff)), "checksum verdicts disagree");

        // Writers are the inverse of the reader: rebuild the message and compare.
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
        rebuilt[2] = input[offset + 2];
        rebuilt[3] = input[offset + 3];
        check(Arrays.equals(rebuilt, 0, length, input, offset, offset + length), "writer disagrees with reader");
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
