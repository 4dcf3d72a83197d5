package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void beforeASampleTheInitialRtoHolds() {
        RttEstimator e = RttEstimator.rfc6298(MS);
        assertThat(e.hasSample()).isFalse();
        assertThat(e.rto()).isEqualTo(S);
        assertThat(e.srtt()).isZero();
        assertThat(e.minRtt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void firstSampleSetsSrttToRAndRttvarToHalfR() {
        RttEstimator e = new RttEstimator(S, 200 * MS, 60 * S, MS);
        e.sample(100 * MS);
        assertThat(e.hasSample()).isTrue();
        assertThat(e.srtt()).isEqualTo(100 * MS);
        assertThat(e.rttvar()).isEqualTo(50 * MS);
        assertThat(e.rto()).isEqualTo(300 * MS); // 100 + 4 * 50
    }

    @Test
    void laterSamplesUseBetaQuarterAndAlphaEighth() {
        RttEstimator e = new RttEstimator(S, 200 * MS, 60 * S, MS);
        e.sample(100 * MS);
        e.sample(120 * MS);
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 120| = 42.5; SRTT = 7/8 * 100 + 1/8 * 120 = 102.5
        assertThat(e.rttvar()).isEqualTo(42_500_000L);
        assertThat(e.srtt()).isEqualTo(102_500_000L);
        assertThat(e.rto()).isEqualTo(102_500_000L + 4 * 42_500_000L); // 272.5 ms
        e.sample(80 * MS);
        // RTTVAR = 3/4 * 42.5 + 1/4 * 22.5 = 37.5; SRTT = 7/8 * 102.5 + 10 = 99.6875
        assertThat(e.rttvar()).isEqualTo(37_500_000L);
        assertThat(e.srtt()).isEqualTo(99_687_500L);
        assertThat(e.minRtt()).isEqualTo(80 * MS);
    }

    @Test
    void granularityDominatesASmallVariance() {
        RttEstimator e = new RttEstimator(S, MS, 60 * S, 10 * MS);
        e.sample(2 * MS); // RTTVAR 1 ms: 4 * RTTVAR = 4 ms < G = 10 ms
        assertThat(e.rto()).isEqualTo(12 * MS);
    }

    @Test
    void theMinimumRtoBoundsFromBelow() {
        RttEstimator e = RttEstimator.rfc6298(MS);
        e.sample(10 * MS); // 10 + 4 * 5 = 30 ms, raised to 1 s
        assertThat(e.rto()).isEqualTo(S);
        RttEstimator linux = new RttEstimator(S, 200 * MS, 120 * S, MS);
        linux.sample(10 * MS);
        assertThat(linux.rto()).isEqualTo(200 * MS);
    }

    @Test
    void theMaximumBoundsFromAbove() {
        RttEstimator e = new RttEstimator(S, 200 * MS, 60 * S, MS);
        e.sample(30 * S); // 30 + 4 * 15 = 90 s
        assertThat(e.rto()).isEqualTo(60 * S);
    }

    @Test
    void backoffDoublesUpToTheCapAndASampleResetsIt() {
        RttEstimator e = new RttEstimator(S, 200 * MS, 60 * S, MS);
        e.sample(100 * MS); // 300 ms
        long[] expected = {600, 1200, 2400, 4800, 9600, 19_200, 38_400, 60_000, 60_000};
        for (int i = 0; i < expected.length; i++) {
            e.backoff();
            assertThat(e.rto()).as("after %d backoffs", i + 1).isEqualTo(expected[i] * MS);
        }
        assertThat(e.backoffs()).isEqualTo(expected.length);
        for (int i = 0; i < 100; i++) {
            e.backoff(); // far past any shift width: still the cap, no overflow
        }
        assertThat(e.rto()).isEqualTo(60 * S);
        assertThat(e.backoffs()).isEqualTo(expected.length + 100);
        e.sample(100 * MS);
        assertThat(e.backoffs()).isZero();
        assertThat(e.rto()).isLessThan(300 * MS);
    }

    @Test
    void backoffBeforeAnySampleDoublesTheInitialRto() {
        RttEstimator e = RttEstimator.rfc6298(MS);
        e.backoff();
        e.backoff();
        assertThat(e.rto()).isEqualTo(4 * S);
        e.reset();
        assertThat(e.rto()).isEqualTo(S);
        assertThat(e.backoffs()).isZero();
    }

    @Test
    void nonPositiveSamplesAndBadBoundsAreRejected() {
        RttEstimator e = RttEstimator.rfc6298(MS);
        e.sample(0);
        e.sample(-5);
        assertThat(e.hasSample()).isFalse();
        assertThatThrownBy(() -> new RttEstimator(S, 2 * S, S, MS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttEstimator(S, 0, S, MS)).isInstanceOf(IllegalArgumentException.class);
    }
}
