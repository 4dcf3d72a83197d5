package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6AddressTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 5952 section 4: leading zeros dropped, lower case, longest run compressed, first of equal runs,
        // a single zero group never compressed.
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
        "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1,                      2001:0:0:1::1",
        "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
        "2001:DB8::AbCd,                          2001:db8::abcd",
        "2001:db8:0:0:1:0:0:0,                    2001:db8:0:0:1::",
        "0:0:0:0:0:0:0:0,                         ::",
        "::,                                      ::",
        "::1,                                     ::1",
        "1::,                                     1::",
        "1:2:3:4:5:6:7::,                         1:2:3:4:5:6:7:0",
        "::2:3:4:5:6:7:8,                         0:2:3:4:5:6:7:8",
        "1:0:0:0:0:0:0:8,                         1::8",
        "fe80::1,                                 fe80::1",
        "ff02::1:ff00:1234,                       ff02::1:ff00:1234",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "0001:0020:0300:4000:0:0:0:0,             1:20:300:4000::",
        // Dotted IPv4 tails; IPv4-mapped addresses print with one (RFC 5952 section 5), others do not.
        "::ffff:192.0.2.1,                        ::ffff:192.0.2.1",
        "::FFFF:c000:0201,                        ::ffff:192.0.2.1",
        "::ffff:0.0.0.0,                          ::ffff:0.0.0.0",
        "::192.0.2.1,                             ::c000:201",
        "64:ff9b::198.51.100.7,                   64:ff9b::c633:6407",
        "1:2:3:4:5:6:1.2.3.4,                     1:2:3:4:5:6:102:304",
        "1::5:6:255.255.255.255,                  1::5:6:ffff:ffff",
    })
    void parseAndFormat(String text, String canonical) {
        Ipv6Address a = Ipv6Address.parse(text);
        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(Ipv6Address.parse(canonical)).isEqualTo(a);
    }

    @Test
    void parsesLikeTheJdkAndFormatsCanonicallyForRandomAddresses() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            Ipv6Address a = randomAddress(random);
            for (String text : new String[] {a.toString(), fullForm(a), withDottedTail(a)}) {
                assertThat(Ipv6Address.parse(text)).as(text).isEqualTo(a);
                assertThat(jdkParse(text)).as(text).isEqualTo(a);
            }
            assertThat(Ipv6Address.of(a.toInetAddress())).isEqualTo(a);
            if (!a.isIpv4Mapped()) {
                assertCanonical(a, a.toString());
            }
        }
    }

    /** The JDK's reading of a bracketed literal (parsed, never looked up). */
    private static Ipv6Address jdkParse(String text) throws Exception {
        byte[] raw = InetAddress.getByName("[" + text + "]").getAddress();
        // The JDK turns IPv4-mapped literals into Inet4Address.
        return raw.length == 16 ? Ipv6Address.of(raw, 0)
                : new Ipv6Address(0, 0xffff_0000_0000L | (Bytes.i32(raw, 0) & 0xffff_ffffL));
    }

    /** Addresses with many zero groups, so that every compression position comes up. */
    private static Ipv6Address randomAddress(Random random) {
        long[] halves = new long[2];
        for (int g = 0; g < 8; g++) {
            int value = switch (random.nextInt(4)) {
                case 0, 1 -> 0;
                case 2 -> random.nextInt(16);
                default -> random.nextInt(0x10000);
            };
            halves[g / 4] = halves[g / 4] << 16 | value;
        }
        return new Ipv6Address(halves[0], halves[1]);
    }

    private static int[] groups(Ipv6Address a) {
        int[] g = new int[8];
        byte[] b = a.toBytes();
        for (int i = 0; i < 8; i++) {
            g[i] = Bytes.u16(b, 2 * i);
        }
        return g;
    }

    /** Eight four-digit groups in mixed case, e.g. {@code 2001:0Db8:...}. */
    private static String fullForm(Ipv6Address a) {
        StringBuilder sb = new StringBuilder();
        for (int g : groups(a)) {
            sb.append(sb.isEmpty() ? "" : ":").append(String.format("%02X%02x", g >>> 8, g & 0xff));
        }
        return sb.toString();
    }

    /** The first six groups, then the last 32 bits in dotted decimal. */
    private static String withDottedTail(Ipv6Address a) {
        byte[] b = a.toBytes();
        return fullForm(a).substring(0, 30) + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "."
                + (b[15] & 0xff);
    }

    /**
     * RFC 5952 section 4, checked against the groups of {@code a}: lower case without leading zeros, and "::"
     * exactly for the first longest run of two or more zero groups.
     */
    private static void assertCanonical(Ipv6Address a, String text) {
        int[] g = groups(a);
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                expected.append("::");
                i += runLength - 1;
            } else {
                boolean afterGap = runStart >= 0 && i == runStart + runLength;
                expected.append(i == 0 || afterGap ? "" : ":").append(Integer.toHexString(g[i]));
            }
        }
        assertThat(text).isEqualTo(expected.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", ":", ":::", "1", "abcd", "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "::1:2:3:4:5:6:7:8",
        "1:2:3:4::5:6:7:8", "1::2::3", "::1::", "1:::2", "1:", ":1", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8",
        "g::1", "::g", "0x1::", "localhost", "example.com", "1.2.3.4", "::1%eth0", "fe80::1%1", "[::1]",
        " ::1", "::1 ", "\u0663::1", "::\uff11", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5",
        "::01.2.3.4", "::256.0.0.1", "::1.2.3.4:5", "::1.2.3.4.", "1.2.3.4::", "::ffff:1.2.3.04",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x", "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15",
    })
    void malformedTextIsRejectedWithoutALookup(String text) {
        assertThatThrownBy(() -> Ipv6Address.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv6 address");
    }

    @Test
    void longestTextIsAccepted() {
        Ipv6Address a = Ipv6Address.parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
        assertThat(a).isEqualTo(new Ipv6Address(-1, -1));
    }

    @Test
    void predicatesAndDerivedAddresses() {
        assertThat(Ipv6Address.parse("ff02::1").isMulticast()).isTrue();
        assertThat(Ipv6Address.parse("fe80::1").isMulticast()).isFalse();
        assertThat(Ipv6Address.parse("fe80::1").isLinkLocalUnicast()).isTrue();
        assertThat(Ipv6Address.parse("febf:ffff::1").isLinkLocalUnicast()).isTrue();
        assertThat(Ipv6Address.parse("fec0::1").isLinkLocalUnicast()).isFalse();
        assertThat(Ipv6Address.parse("2001:db8::abcd:1234").solicitedNode())
                .isEqualTo(Ipv6Address.parse("ff02::1:ffcd:1234"));
        assertThat(Ipv6Address.parse("::ffff:10.0.0.1").isIpv4Mapped()).isTrue();
        assertThat(Ipv6Address.parse("::fffe:10.0.0.1").isIpv4Mapped()).isFalse();
        assertThat(Ipv6Address.LOOPBACK.toString()).isEqualTo("::1");
        assertThat(Ipv6Address.ALL_ROUTERS.toString()).isEqualTo("ff02::2");
    }

    @Test
    void rawReadsWritesAndOrder() {
        Ipv6Address a = Ipv6Address.parse("2001:db8::8:800:200c:417a");
        byte[] b = new byte[20];
        a.writeTo(b, 3);
        assertThat(Ipv6Address.of(b, 3)).isEqualTo(a);
        assertThat(a.toBytes()).containsExactly(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a);
        assertThat(Ipv6Address.parse("8000::")).isGreaterThan(Ipv6Address.parse("7fff::"));
        assertThat(Ipv6Address.parse("::8000:0:0:0")).isGreaterThan(Ipv6Address.parse("::7fff:0:0:0"));
        assertThat(Ipv6Address.parse("::1").compareTo(Ipv6Address.LOOPBACK)).isZero();
    }
}
