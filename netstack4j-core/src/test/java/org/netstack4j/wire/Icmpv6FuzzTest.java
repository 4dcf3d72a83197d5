package org.netstack4j.wire;

import static org.netstack4j.wire.IcmpFuzz.check;
import static org.netstack4j.wire.IcmpFuzz.checkChecksumVerdict;
import static org.netstack4j.wire.IcmpFuzz.checkRebuiltEqualsInput;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz targets for {@link Icmpv6Message#wrap} (with a walk over every NDP option) and for
 * {@link NdpOptionCursor} over raw option bytes. Input layout: see
 * {@link IcmpFuzz.Range}.
 */
class Icmpv6FuzzTest {
    private static final Icmpv6Message VIEW = new Icmpv6Message();
    private static final NdpOptionCursor CURSOR = new NdpOptionCursor();
    private static final Ipv6Address SOURCE = Ipv6Address.parse("2001:db8::a");
    private static final Ipv6Address DESTINATION = Ipv6Address.parse("2001:db8::b");

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
            check(result == ParseResult.TRUNCATED || result == ParseResult.ICMP_TRUNCATED_MESSAGE
                    || result == ParseResult.NDP_BAD_OPTION_LENGTH, "undeclared rejection " + result);
            return;
        }
        Icmpv6Message m = VIEW;
        int type = m.type();
        check(m.length() == length && m.offset() == offset, "bounds");
        check(length >= Icmpv6Message.minimumLength(type), "accepted below the type minimum");
        check(m.payloadOffset() + m.payloadLength() == offset + length && m.payloadLength() >= 0, "payload bounds");
        check(m.optionsOffset() + m.optionsLength() == offset + length, "options bounds");
        check(m.isNdp() || m.optionsLength() == 0, "options outside NDP");
        int word = m.restOfHeader();
        check(m.identifier() == word >>> 16 && m.sequenceNumber() == (word & 0xffff), "echo fields");
        check(m.mtu() == (word & 0xffff_ffffL) && m.pointer() == m.mtu(), "error fields");
        check(m.invokingPacketOffset() + m.invokingPacketLength() == offset + length, "invoking bounds");
        m.code();
        m.headerLength();
        m.toString();
        switch (type) {
            case Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT -> {
                m.curHopLimit();
                m.managedAddressConfiguration();
                m.otherConfiguration();
                check(m.defaultRouterPreference() < 4, "preference");
                m.routerLifetime();
                check(m.reachableTime() >= 0 && m.retransTimer() >= 0, "unsigned timers");
            }
            case Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION -> m.target();
            case Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT -> {
                m.target();
                m.routerFlag();
                m.solicitedFlag();
                m.overrideFlag();
            }
            case Icmpv6Message.TYPE_REDIRECT -> {
                check(m.targetAddressOffset() == offset + 8, "target offset");
                m.target();
                m.destination();
            }
            default -> { }
        }
        int options = walk(CURSOR.reset(m), m.optionsOffset() + m.optionsLength());
        check(CURSOR.result() == ParseResult.OK, "wrap accepted broken option framing");
        check(options * NdpOptionCursor.UNIT <= m.optionsLength(), "more options than octets");

        int computed = m.computeChecksum(SOURCE.high(), SOURCE.low(), DESTINATION.high(), DESTINATION.low());
        int stored = m.checksum();
        boolean valid = m.checksumValid(SOURCE.high(), SOURCE.low(), DESTINATION.high(), DESTINATION.low());
        checkChecksumVerdict(valid, stored, computed);

        // Writers are the inverse of the reader for echo and error messages.
        byte[] rebuilt = Arrays.copyOfRange(input, offset, offset + length);
        if (type == Icmpv6Message.TYPE_ECHO_REQUEST || type == Icmpv6Message.TYPE_ECHO_REPLY) {
            Icmpv6Message.writeEcho(rebuilt, 0, type, m.identifier(), m.sequenceNumber(), m.payloadLength(),
                    SOURCE.high(), SOURCE.low(), DESTINATION.high(), DESTINATION.low());
            rebuilt[1] = (byte) m.code();
        } else if (m.isError()) {
            Icmpv6Message.writeErrorHeader(rebuilt, 0, type, m.code(), word, m.invokingPacketLength(),
                    SOURCE.high(), SOURCE.low(), DESTINATION.high(), DESTINATION.low());
        }
        Icmpv6Message.writeChecksum(rebuilt, 0, rebuilt.length, SOURCE.high(), SOURCE.low(),
                DESTINATION.high(), DESTINATION.low());
        Icmpv6Message again = Icmpv6Message.parse(rebuilt);
        check(again.checksumValid(SOURCE.high(), SOURCE.low(), DESTINATION.high(), DESTINATION.low()),
                "written checksum does not verify");
        checkRebuiltEqualsInput(rebuilt, input, offset, length);
    }

    @FuzzTest(maxDuration = "2m")
    void ndpOptions(byte[] input) {
        IcmpFuzz.Range range = IcmpFuzz.Range.of(input);
        if (range == null) {
            return;
        }
        int offset = range.offset();
        int length = range.length();
        int options = walk(CURSOR.reset(input, offset, length), offset + length);
        ParseResult result = CURSOR.result();
        check(result == NdpOptionCursor.validate(input, offset, length), "cursor and validate disagree");
        check(result == ParseResult.OK || result == ParseResult.NDP_BAD_OPTION_LENGTH, "undeclared " + result);
        check((options + CURSOR.malformedOptions()) * NdpOptionCursor.UNIT <= length, "more options than octets");
    }

    /** Walks every option, reading every field its type defines; returns how many were returned. */
    private static int walk(NdpOptionCursor cursor, int end) {
        int count = 0;
        int previousEnd = -1;
        while (cursor.next()) {
            count++;
            int start = cursor.offset();
            int size = cursor.length();
            check(size >= NdpOptionCursor.UNIT && size % NdpOptionCursor.UNIT == 0, "option size " + size);
            check(start + size <= end && start >= previousEnd, "option outside the region or out of order");
            check(cursor.dataOffset() + cursor.dataLength() == start + size, "option data bounds");
            previousEnd = start + size;
            switch (cursor.type()) {
                case NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS ->
                        check(cursor.linkLayerAddress() >>> 48 == 0, "link-layer address wider than 48 bits");
                case NdpOptionCursor.PREFIX_INFORMATION -> {
                    cursor.prefixLength();
                    cursor.onLink();
                    cursor.autonomous();
                    check(cursor.validLifetime() >= 0 && cursor.preferredLifetime() >= 0, "unsigned lifetimes");
                    cursor.prefix();
                }
                case NdpOptionCursor.REDIRECTED_HEADER -> check(
                        cursor.redirectedPacketOffset() + cursor.redirectedPacketLength() == previousEnd
                                && cursor.redirectedPacketLength() >= 0, "redirected packet bounds");
                case NdpOptionCursor.MTU -> check(cursor.mtu() >= 0, "unsigned MTU");
                default -> { }
            }
        }
        return count;
    }
}
