package org.netstack4j.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.netstack4j.testutil.AllocationMeter;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

class RouteTableTest {
    private final RouteTable table = new RouteTable();

    private static Route v4(String prefix, int length, String gateway, int nic, int metric) {
        return Route.ipv4(Ipv4Address.parse(prefix), length, gateway == null ? null : Ipv4Address.parse(gateway), nic, metric);
    }

    private static Route v6(String prefix, int length, String gateway, int nic, int metric) {
        return Route.ipv6(Ipv6Address.parse(prefix), length, gateway == null ? null : Ipv6Address.parse(gateway), nic, metric);
    }

    private Route lookup4(String address) {
        return table.lookup(Ipv4Address.parse(address));
    }

    private Route lookup6(String address) {
        return table.lookup(Ipv6Address.parse(address));
    }

    @Test
    void longestPrefixWinsAndTheDefaultRouteCatchesTheRest() {
        Route def = v4("0.0.0.0", 0, "192.168.1.1", 1, 100);
        Route lan = v4("192.168.1.0", 24, null, 1, 0);
        Route vpn = v4("10.0.0.0", 8, "10.8.0.1", 2, 0);
        Route vpnHost = v4("10.1.2.3", 32, null, 3, 0);
        Route sub = v4("10.1.0.0", 16, "10.8.0.2", 2, 0);
        for (Route r : List.of(def, lan, vpn, vpnHost, sub)) {
            assertThat(table.add(r)).isTrue();
        }
        assertThat(lookup4("192.168.1.77")).isSameAs(lan);
        assertThat(lookup4("8.8.8.8")).isSameAs(def);
        assertThat(lookup4("10.200.0.1")).isSameAs(vpn);
        assertThat(lookup4("10.1.9.9")).isSameAs(sub);
        assertThat(lookup4("10.1.2.3")).isSameAs(vpnHost);
        assertThat(lookup4("10.1.2.4")).isSameAs(sub);
        assertThat(lookup4("255.255.255.255")).isSameAs(def);
        assertThat(lookup4("10.1.2.3").ipv4NextHop(Ipv4Address.parse("10.1.2.3").value()))
                .isEqualTo(Ipv4Address.parse("10.1.2.3").value());
        assertThat(lookup4("10.1.9.9").ipv4NextHop(Ipv4Address.parse("10.1.9.9").value()))
                .isEqualTo(Ipv4Address.parse("10.8.0.2").value());
    }

    @Test
    void withoutADefaultRouteAnUncoveredDestinationHasNoRoute() {
        table.add(v4("192.168.1.0", 24, null, 1, 0));
        assertThat(lookup4("192.168.2.1")).isNull();
        assertThat(table.lookup(Ipv6Address.parse("2001:db8::1"))).isNull();
    }

    @Test
    void lowestMetricBreaksTiesThenTheOlderRoute() {
        Route slow = v4("0.0.0.0", 0, "192.168.1.1", 1, 600);
        Route fast = v4("0.0.0.0", 0, "192.168.2.1", 2, 100);
        Route fastTwin = v4("0.0.0.0", 0, "192.168.3.1", 3, 100);
        table.add(slow);
        table.add(fast);
        table.add(fastTwin);
        assertThat(lookup4("1.1.1.1")).isSameAs(fast);
        table.remove(fast);
        assertThat(lookup4("1.1.1.1")).isSameAs(fastTwin);
        table.remove(fastTwin);
        assertThat(lookup4("1.1.1.1")).isSameAs(slow);
    }

    @Test
    void aMoreSpecificPrefixBeatsABetterMetric() {
        Route wide = v4("10.0.0.0", 8, null, 1, 0);
        Route narrow = v4("10.0.0.0", 24, null, 2, 1000);
        table.add(wide);
        table.add(narrow);
        assertThat(lookup4("10.0.0.5")).isSameAs(narrow);
        assertThat(lookup4("10.0.1.5")).isSameAs(wide);
    }

    @Test
    void aNicRestrictedLookupFallsBackToShorterPrefixesOnThatNic() {
        Route def1 = v4("0.0.0.0", 0, "192.168.1.1", 1, 0);
        Route def2 = v4("0.0.0.0", 0, "172.16.0.1", 2, 50);
        Route lan1 = v4("10.0.0.0", 8, null, 1, 0);
        table.add(def1);
        table.add(def2);
        table.add(lan1);
        int dst = Ipv4Address.parse("10.2.3.4").value();
        assertThat(table.lookupIpv4(dst)).isSameAs(lan1);
        assertThat(table.lookupIpv4(dst, 1)).isSameAs(lan1);
        assertThat(table.lookupIpv4(dst, 2)).isSameAs(def2);
        assertThat(table.lookupIpv4(dst, 3)).isNull();
        assertThat(table.lookupIpv4(dst, RouteTable.ANY_NIC)).isSameAs(lan1);
    }

    @Test
    void addIgnoresExactDuplicatesAndRemoveAndRemoveNicWork() {
        Route a = v4("10.0.0.0", 8, null, 1, 0);
        Route b = v4("10.0.0.0", 8, null, 1, 5);
        Route c = v6("2001:db8::", 32, "fe80::1", 1, 0);
        Route d = v6("::", 0, "fe80::2", 2, 0);
        assertThat(table.add(a)).isTrue();
        assertThat(table.add(v4("10.0.0.0", 8, null, 1, 0))).isFalse();
        assertThat(table.add(b)).isTrue();
        table.add(c);
        table.add(d);
        assertThat(table.routes()).containsExactly(a, b, c, d);
        assertThat(table.remove(v4("10.0.0.0", 8, null, 1, 0))).isTrue();
        assertThat(table.remove(a)).isFalse();
        assertThat(lookup4("10.1.1.1")).isSameAs(b);
        assertThat(table.removeNic(1)).isEqualTo(2);
        assertThat(table.routes()).containsExactly(d);
        assertThat(lookup4("10.1.1.1")).isNull();
        assertThat(lookup6("2001:db8::7")).isSameAs(d);
        table.clear();
        assertThat(table.size()).isZero();
        assertThat(lookup6("2001:db8::7")).isNull();
    }

    @Test
    void ipv6LongestPrefixAcrossTheSixtyFourBitBoundary() {
        Route def = v6("::", 0, "fe80::1", 1, 0);
        Route site = v6("2001:db8::", 32, "fe80::2", 1, 0);
        Route subnet = v6("2001:db8:0:1::", 64, null, 2, 0);
        Route half = v6("2001:db8:0:1:8000::", 65, null, 3, 0);
        Route odd = v6("2001:db8:0:1:8000::", 127, null, 4, 0);
        Route host = v6("2001:db8:0:1:8000::1", 128, null, 5, 0);
        Route linkLocal = v6("fe80::", 10, null, 2, 0);
        for (Route r : List.of(def, site, subnet, half, odd, host, linkLocal)) {
            table.add(r);
        }
        assertThat(lookup6("2001:db8:0:1:8000::1")).isSameAs(host);
        assertThat(lookup6("2001:db8:0:1:8000::")).isSameAs(odd);
        assertThat(lookup6("2001:db8:0:1:8000::2")).isSameAs(half);
        assertThat(lookup6("2001:db8:0:1:7fff::2")).isSameAs(subnet);
        assertThat(lookup6("2001:db8:ffff::1")).isSameAs(site);
        assertThat(lookup6("2001:db9::1")).isSameAs(def);
        assertThat(lookup6("febf:ffff::1")).isSameAs(linkLocal);
        assertThat(lookup6("fec0::1")).isSameAs(def);
        // IPv4 and IPv6 are separate tables.
        assertThat(table.lookupIpv4(0)).isNull();
    }

    @Test
    void routesRejectHostBitsAndBadFields() {
        assertThatThrownBy(() -> v4("10.0.0.1", 8, null, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v4("10.0.0.0", 33, null, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v4("10.0.0.0", 8, null, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v4("10.0.0.0", 8, null, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v6("2001:db8::1", 64, null, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v6("2001:db8::", 129, null, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(v4("0.0.0.0", 0, "1.2.3.4", 1, 0).isDefault()).isTrue();
        assertThat(v4("10.0.0.0", 8, "10.0.0.1", 1, 7)).hasToString("10.0.0.0/8 via 10.0.0.1 nic 1 metric 7");
        assertThat(v6("2001:db8::", 32, null, 2, 0)).hasToString("2001:db8::/32 on-link nic 2 metric 0");
    }

    /** Random tables against a brute-force scan of every route. */
    @Test
    void matchesABruteForceReferenceOnRandomTables() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 20; round++) {
            RouteTable t = new RouteTable();
            List<Route> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Route r;
                // Half the prefixes extend an earlier one, so that routes nest deeply.
                Route parent = !all.isEmpty() && random.nextBoolean() ? all.get(random.nextInt(all.size())) : null;
                boolean ipv6 = parent != null ? parent.isIpv6() : random.nextBoolean();
                int from = parent != null ? parent.prefixLength() : 0;
                if (!ipv6) {
                    int length = from + random.nextInt(33 - from);
                    long keep = Route.maskLow(false, from);
                    long bits = (parent != null ? parent.destinationLow() & keep : 0) | (random.nextInt() & 0xffff_ffffL & ~keep);
                    int prefix = (int) (bits & Route.maskLow(false, length));
                    r = Route.ipv4(new Ipv4Address(prefix), length, null, 1 + random.nextInt(4), random.nextInt(3));
                } else {
                    int length = from + random.nextInt(129 - from);
                    // Keep the parent's bits, randomise only those past its length.
                    long keepHigh = Route.maskHigh(true, from);
                    long keepLow = Route.maskLow(true, from);
                    long high = (parent != null ? parent.destinationHigh() & keepHigh : 0) | (random.nextLong() & ~keepHigh);
                    long low = (parent != null ? parent.destinationLow() & keepLow : 0) | (random.nextLong() & ~keepLow);
                    r = Route.ipv6(new Ipv6Address(high & Route.maskHigh(true, length), low & Route.maskLow(true, length)),
                            length, null, 1 + random.nextInt(4), random.nextInt(3));
                }
                if (t.add(r)) {
                    all.add(r);
                }
            }
            for (int q = 0; q < 2000; q++) {
                // Probe addresses near existing prefixes so that deep matches actually happen.
                Route near = all.get(random.nextInt(all.size()));
                int nic = random.nextInt(5);
                if (!near.isIpv6()) {
                    int address = (int) near.destinationLow() ^ (random.nextInt() >>> random.nextInt(33));
                    assertThat(t.lookupIpv4(address, nic)).isSameAs(reference(all, false, 0, address & 0xffff_ffffL, nic));
                } else {
                    int flip = random.nextInt(129);
                    long high = near.destinationHigh() ^ (flip < 64 ? random.nextLong() >>> flip : 0);
                    long low = near.destinationLow() ^ (flip < 128 ? random.nextLong() >>> Math.max(0, flip - 64) : 0);
                    assertThat(t.lookupIpv6(high, low, nic)).isSameAs(reference(all, true, high, low, nic));
                }
            }
        }
    }

    private static Route reference(List<Route> all, boolean ipv6, long high, long low, int nic) {
        Route best = null;
        for (Route r : all) {
            boolean matches = ipv6 ? r.matchesIpv6(high, low) : r.matchesIpv4((int) low);
            if (!matches || (nic != RouteTable.ANY_NIC && r.nicId() != nic)) {
                continue;
            }
            if (best == null || r.prefixLength() > best.prefixLength()
                    || (r.prefixLength() == best.prefixLength() && r.metric() < best.metric())) {
                best = r;
            }
        }
        return best;
    }

    @Test
    void lookupsAllocateNothing() {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        table.add(v4("0.0.0.0", 0, "192.168.1.1", 1, 0));
        table.add(v4("10.0.0.0", 8, null, 2, 0));
        table.add(v6("2001:db8::", 32, null, 1, 0));
        long[] sink = {0};
        Runnable lookups = () -> {
            for (int i = 0; i < 50_000; i++) {
                sink[0] += table.lookupIpv4(0x0a00_0000 + i).metric();
                sink[0] += table.lookupIpv6(0x2001_0db8_0000_0000L + i, i, 1).nicId();
            }
        };
        lookups.run();
        assertThat(meter.measure(lookups)).isLessThan(5_000);
        assertThat(sink[0]).isPositive();
    }

    /**
     * Readers never see a torn table while a writer changes it: a default route is always present, and
     * a more specific route comes and goes, so every lookup must return one of the two.
     */
    @Test
    void concurrentReadersSeeOnlyWholeSnapshots() throws Exception {
        Route def = v4("0.0.0.0", 0, "192.168.1.1", 1, 0);
        Route specific = v4("10.1.0.0", 16, null, 2, 0);
        table.add(def);
        int dst = Ipv4Address.parse("10.1.2.3").value();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Object> failure = new AtomicReference<>();
        AtomicLong sawSpecific = new AtomicLong();
        AtomicLong sawDefault = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread reader = new Thread(() -> {
                for (int n = 0; n < 50_000_000 && !stop.get(); n++) {
                    Route r = table.lookupIpv4(dst);
                    if (r == specific) {
                        sawSpecific.incrementAndGet();
                    } else if (r == def) {
                        sawDefault.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, String.valueOf(r));
                        return;
                    }
                }
            });
            reader.start();
            readers.add(reader);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (int i = 0; i < 20_000 && System.nanoTime() < until; i++) {
            table.add(specific);
            // Unrelated churn so that snapshots are rebuilt with different shapes.
            table.add(v4("172.16." + (i & 255) + ".0", 24, null, 3, 0));
            table.remove(specific);
            table.remove(v4("172.16." + (i & 255) + ".0", 24, null, 3, 0));
        }
        table.add(specific);
        stop.set(true);
        for (Thread reader : readers) {
            reader.join(10_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(sawDefault.get() + sawSpecific.get()).isPositive();
        assertThat(table.lookupIpv4(dst)).isSameAs(specific);
    }
}
