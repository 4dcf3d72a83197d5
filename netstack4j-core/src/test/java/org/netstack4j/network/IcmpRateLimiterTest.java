package org.netstack4j.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.netstack4j.time.ManualClock;

class IcmpRateLimiterTest {
    private static final int UNREACHABLE = 3;
    private static final int ECHO_REPLY = 0;

    private final ManualClock clock = new ManualClock(1_000_000_000L);

    private int sendBurst(IcmpRateLimiter limiter, int type, int attempts) {
        int sent = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(type, clock.nanoTime())) {
                sent++;
            }
        }
        return sent;
    }

    @Test
    void aFullBucketAllowsTheBurstThenSuppresses() {
        IcmpRateLimiter limiter = IcmpRateLimiter.forIcmpv4(1000, 50, clock.nanoTime());
        assertThat(sendBurst(limiter, UNREACHABLE, 200)).isEqualTo(50);
        assertThat(limiter.allowed()).isEqualTo(50);
        assertThat(limiter.suppressed()).isEqualTo(150);
    }

    @Test
    void tokensAccrueAtTheRateAndCapAtTheBurst() {
        IcmpRateLimiter limiter = IcmpRateLimiter.forIcmpv4(100, 10, clock.nanoTime()); // one per 10 ms
        assertThat(sendBurst(limiter, UNREACHABLE, 10)).isEqualTo(10);
        clock.advanceMillis(9);
        assertThat(limiter.tryAcquire(UNREACHABLE, clock.nanoTime())).isFalse();
        clock.advanceMillis(1);
        assertThat(limiter.tryAcquire(UNREACHABLE, clock.nanoTime())).isTrue();
        assertThat(limiter.tryAcquire(UNREACHABLE, clock.nanoTime())).isFalse();
        clock.advanceMillis(35);
        assertThat(limiter.availableTokens(clock.nanoTime())).isEqualTo(3);
        clock.advanceMillis(10_000);
        assertThat(limiter.availableTokens(clock.nanoTime())).isEqualTo(10);
        assertThat(sendBurst(limiter, UNREACHABLE, 100)).isEqualTo(10);
    }

    @Test
    void overALongRunTheRateHolds() {
        IcmpRateLimiter limiter = IcmpRateLimiter.forIcmpv6(1000, 5, clock.nanoTime());
        int sent = 0;
        // 10 s of attempts every 100 us: 100 000 attempts, about 10 000 tokens plus the initial burst.
        for (int i = 0; i < 100_000; i++) {
            clock.advanceNanos(100_000);
            if (limiter.tryAcquire(1, clock.nanoTime())) {
                sent++;
            }
        }
        assertThat(sent).isBetween(10_000, 10_005);
    }

    @Test
    void unlimitedTypesNeverSpendTokens() {
        IcmpRateLimiter v4 = IcmpRateLimiter.forIcmpv4(1, 1, clock.nanoTime());
        assertThat(sendBurst(v4, ECHO_REPLY, 1000)).isEqualTo(1000);
        assertThat(v4.isLimited(3)).isTrue();
        assertThat(v4.isLimited(4)).isTrue();
        assertThat(v4.isLimited(11)).isTrue();
        assertThat(v4.isLimited(12)).isTrue();
        assertThat(v4.isLimited(5)).isFalse();
        IcmpRateLimiter v6 = IcmpRateLimiter.forIcmpv6(1, 1, clock.nanoTime());
        assertThat(sendBurst(v6, 2, 1000)).as("packet too big is exempt").isEqualTo(1000);
        assertThat(v6.isLimited(1)).isTrue();
        assertThat(v6.isLimited(127)).isTrue();
        assertThat(v6.isLimited(129)).isFalse();
        v6.limitType(129, true);
        assertThat(sendBurst(v6, 129, 3)).isEqualTo(1);
        v6.limitType(129, false);
        assertThat(v6.isLimited(129)).isFalse();
    }

    @Test
    void aClockThatDoesNotMoveAddsNoCredit() {
        IcmpRateLimiter limiter = IcmpRateLimiter.forIcmpv4(10, 1, clock.nanoTime());
        assertThat(sendBurst(limiter, UNREACHABLE, 5)).isEqualTo(1);
        assertThat(limiter.tryAcquire(UNREACHABLE, clock.nanoTime() - 1_000_000_000L)).isFalse();
        assertThat(sendBurst(limiter, UNREACHABLE, 5)).isZero();
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> new IcmpRateLimiter(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IcmpRateLimiter(10, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        IcmpRateLimiter limiter = new IcmpRateLimiter(10, 1, 0);
        assertThatThrownBy(() -> limiter.limitType(256, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new IcmpRateLimiter(1, Integer.MAX_VALUE, 0).availableTokens(0)).isEqualTo(Integer.MAX_VALUE);
    }
}
