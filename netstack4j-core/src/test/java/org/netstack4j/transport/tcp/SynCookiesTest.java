package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SynCookiesTest {
    private static final long S = 1_000_000_000L;
    private static final long LOCAL_HIGH = 0x20010db800000000L; // 2001:db8::1
    private static final long LOCAL_LOW = 1;
    private static final long REMOTE_LOW = 2;
    private static final int CLIENT_ISN = 0xdeadbeef;

    private final SynCookies cookies = new SynCookies(0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L, 64 * S);

    private int encode(int mss, long now) {
        return cookies.encode(LOCAL_HIGH, LOCAL_LOW, 443, LOCAL_HIGH, REMOTE_LOW, 50_000, CLIENT_ISN, mss, now);
    }

    private int decode(int cookie, long now) {
        return cookies.decode(LOCAL_HIGH, LOCAL_LOW, 443, LOCAL_HIGH, REMOTE_LOW, 50_000, CLIENT_ISN, cookie, now);
    }

    @Test
    void aCookieRoundTripsWithItsMss() {
        long now = 1_000 * S;
        for (int mss : SynCookies.MSS_TABLE) {
            assertThat(decode(encode(mss, now), now + S)).isEqualTo(mss);
        }
    }

    @Test
    void theMssRoundsDownToTheTable() {
        long now = 1_000 * S;
        assertThat(decode(encode(1459, now), now)).isEqualTo(1440);
        assertThat(decode(encode(1460, now), now)).isEqualTo(1460);
        assertThat(decode(encode(9000, now), now)).isEqualTo(8940);
        assertThat(decode(encode(1299, now), now)).isEqualTo(536);
        assertThat(decode(encode(100, now), now)).isEqualTo(536); // nothing smaller in the table
        assertThat(decode(encode(70_000, now), now)).isEqualTo(65495);
        assertThat(SynCookies.mssIndex(8939)).isEqualTo(3);
    }

    @Test
    void aCookieIsValidForItsLifetimeThenExpires() {
        long tick = 1L << SynCookies.TICK_SHIFT;
        for (long created = 10 * tick; created < 11 * tick; created += tick / 4) { // anywhere in a tick
            int cookie = encode(1460, created);
            assertThat(decode(cookie, created + 64 * S)).isEqualTo(1460);
            assertThat(decode(cookie, created + 64 * S + 2 * tick)).isEqualTo(-1);
            assertThat(decode(cookie, created - tick)).isEqualTo(-1); // from the future
        }
        int cookie = encode(1460, 10 * tick);
        assertThat(decode(cookie, 10 * tick + 32 * tick)).isEqualTo(-1); // the 5-bit counter wrapped: hash fails
    }

    @Test
    void otherTuplesAndClientIsnsAreRejected() {
        long now = 5_000 * S;
        int cookie = encode(1460, now);
        assertThat(cookies.decode(LOCAL_HIGH, LOCAL_LOW, 443, LOCAL_HIGH, REMOTE_LOW, 50_001, CLIENT_ISN, cookie, now))
                .isEqualTo(-1);
        assertThat(cookies.decode(LOCAL_HIGH, LOCAL_LOW, 444, LOCAL_HIGH, REMOTE_LOW, 50_000, CLIENT_ISN, cookie, now))
                .isEqualTo(-1);
        assertThat(cookies.decode(LOCAL_HIGH, LOCAL_LOW, 443, LOCAL_HIGH, 3, 50_000, CLIENT_ISN, cookie, now))
                .isEqualTo(-1);
        assertThat(cookies.decode(0, LOCAL_LOW, 443, LOCAL_HIGH, REMOTE_LOW, 50_000, CLIENT_ISN, cookie, now))
                .isEqualTo(-1);
        assertThat(cookies.decode(LOCAL_HIGH, LOCAL_LOW, 443, LOCAL_HIGH, REMOTE_LOW, 50_000, CLIENT_ISN + 1, cookie,
                now)).isEqualTo(-1);
        SynCookies otherKey = new SynCookies(1, 2, 64 * S);
        assertThat(otherKey.decode(LOCAL_HIGH, LOCAL_LOW, 443, LOCAL_HIGH, REMOTE_LOW, 50_000, CLIENT_ISN, cookie, now))
                .isEqualTo(-1);
    }

    @Test
    void bitFlipsAreRejected() {
        Random random = new Random(1);
        long now = 9_000 * S;
        int accepted = 0;
        for (int i = 0; i < 2_000; i++) {
            int isn = random.nextInt();
            int remotePort = 1024 + random.nextInt(60_000);
            long remoteLow = random.nextLong();
            int cookie = cookies.encode(LOCAL_HIGH, LOCAL_LOW, 443, 0, remoteLow, remotePort, isn, 1460, now);
            assertThat(cookies.decode(LOCAL_HIGH, LOCAL_LOW, 443, 0, remoteLow, remotePort, isn, cookie, now))
                    .isEqualTo(1460);
            // one to three flipped bits anywhere in the cookie
            int flips = 1 << random.nextInt(32);
            for (int extra = random.nextInt(3); extra > 0; extra--) {
                flips |= 1 << random.nextInt(32);
            }
            assertThat(cookies.decode(LOCAL_HIGH, LOCAL_LOW, 443, 0, remoteLow, remotePort, isn,
                    cookie ^ flips, now)).isEqualTo(-1);
        }
        // and each single flip of one cookie
        int cookie = encode(1460, now);
        for (int bit = 0; bit < 32; bit++) {
            if (decode(cookie ^ (1 << bit), now) != -1) {
                accepted++;
            }
        }
        assertThat(accepted).isZero();
        assertThat(decode(cookie, now)).isEqualTo(1460);
    }

    @Test
    void randomCookiesAreRejected() {
        Random random = new Random(2);
        long now = 9_000 * S;
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            if (decode(random.nextInt(), now) != -1) {
                accepted++;
            }
        }
        // chance per try: (lifetime ticks / 32) * (6 / 8) * 2^-24; 100 000 tries expect ~0.0002
        assertThat(accepted).isZero();
    }

    @Test
    void theLifetimeIsBounded() {
        assertThatThrownBy(() -> new SynCookies(1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SynCookies(1, 2, 3_600 * S)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timestampBitsCarryTheOptions() {
        int ts = SynCookies.encodeTimestamp(0x12345678, 7, true, false);
        assertThat(SynCookies.timestampWindowScale(ts)).isEqualTo(7);
        assertThat(SynCookies.timestampSackPermitted(ts)).isTrue();
        assertThat(SynCookies.timestampEcn(ts)).isFalse();
        assertThat(ts & ~63).isEqualTo(0x12345678 & ~63);
        int none = SynCookies.encodeTimestamp(0x12345678, -1, false, true);
        assertThat(SynCookies.timestampWindowScale(none)).isEqualTo(-1);
        assertThat(SynCookies.timestampSackPermitted(none)).isFalse();
        assertThat(SynCookies.timestampEcn(none)).isTrue();
        assertThat(SynCookies.timestampWindowScale(SynCookies.encodeTimestamp(0, 20, false, false))).isEqualTo(14);
        for (int clock : new int[] {0, 1, 63, 64, 0x7fffffff, -1, 0x12345640}) {
            int t = SynCookies.encodeTimestamp(clock, 14, true, true);
            assertThat(t - clock).as("TSval for clock %d", clock).isBetween(-63, 0); // never ahead of the clock
        }
    }
}
