package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    private static final long LOCAL = 0x0a000001L; // 10.0.0.1
    private static final long REMOTE = 0x0a000002L;

    private final IsnGenerator generator = new IsnGenerator(0x0123456789abcdefL, 0xfedcba9876543210L);

    @Test
    void oneTuplesIsnsAdvanceWithTheFourMicrosecondClock() {
        long now = 5_000_000_000L;
        int previous = generator.isn(0, LOCAL, 80, 0, REMOTE, 40_000, now);
        for (int i = 1; i <= 1000; i++) {
            long later = now + i * 1_000_000L; // every millisecond: +250 ticks
            int isn = generator.isn(0, LOCAL, 80, 0, REMOTE, 40_000, later);
            assertThat(isn - previous).isEqualTo(250);
            previous = isn;
        }
        int a = generator.isn(0, LOCAL, 80, 0, REMOTE, 40_000, now);
        assertThat(generator.isn(0, LOCAL, 80, 0, REMOTE, 40_000, now + 3_999)).isEqualTo(a);
        assertThat(generator.isn(0, LOCAL, 80, 0, REMOTE, 40_000, now + 4_000)).isEqualTo(a + 1);
    }

    @Test
    void theIsnWrapsModuloTwoToThe32() {
        long wrap = 4_000L << 32; // 2^32 ticks: M wrapped once
        long now = 1_000_000L;
        assertThat(generator.isn(0, LOCAL, 80, 0, REMOTE, 1, now + wrap))
                .isEqualTo(generator.isn(0, LOCAL, 80, 0, REMOTE, 1, now));
    }

    @Test
    void otherTuplesGetUnrelatedIsns() {
        long now = 7_000_000_000L;
        Set<Integer> seen = new HashSet<>();
        for (int port = 1024; port < 2024; port++) {
            seen.add(generator.isn(0, LOCAL, 80, 0, REMOTE, port, now));
        }
        assertThat(seen).hasSizeGreaterThan(995); // collisions in 1000 draws of 2^32 are rare
        int base = generator.isn(0, LOCAL, 80, 0, REMOTE, 40_000, now);
        assertThat(generator.isn(0, LOCAL, 81, 0, REMOTE, 40_000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, REMOTE, 80, 0, LOCAL, 40_000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL, 40_000, 0, REMOTE, 80, now)).isNotEqualTo(base); // ports swapped
        assertThat(generator.isn(1, LOCAL, 80, 0, REMOTE, 40_000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL, 80, 1, REMOTE, 40_000, now)).isNotEqualTo(base);
        assertThat(new IsnGenerator(1, 2).isn(0, LOCAL, 80, 0, REMOTE, 40_000, now)).isNotEqualTo(base);
        assertThat(new IsnGenerator(0x0123456789abcdefL, 0xfedcba9876543210L)
                .isn(0, LOCAL, 80, 0, REMOTE, 40_000, now)).isEqualTo(base);
    }
}
