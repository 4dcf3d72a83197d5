package org.netstack4j.tun.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netstack4j.tun.internal.CallGuard;

/** The Wintun binding's pure-Java parts: library search, LUID and GUID layouts, FILETIME, spin, guard. */
class WintunUnitsTest {
    @TempDir
    Path tmp;

    @Test
    void locatorUsesTheExplicitPathOnlyWhenGiven() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("wintun.dll"), "x");
        Path custom = Files.createDirectories(tmp.resolve("custom"));
        Files.writeString(custom.resolve("wintun.dll"), "x");
        assertThat(WintunLibraryLocator.locate(custom, List.of(app), "amd64")).isEqualTo(custom.resolve("wintun.dll").toAbsolutePath());
        assertThat(WintunLibraryLocator.locate(custom.resolve("wintun.dll"), List.of(app), "amd64"))
                .isEqualTo(custom.resolve("wintun.dll").toAbsolutePath());
        // A wrong explicit path is an error, not a silent fall-back to the application directory.
        assertThatThrownBy(() -> WintunLibraryLocator.locate(tmp.resolve("nope.dll"), List.of(app), "amd64"))
                .isInstanceOf(FileNotFoundException.class).hasMessageContaining("nope.dll");
    }

    @Test
    void locatorSearchesTheApplicationDirectoriesInOrderWithArchitectureSubdirectories() throws IOException {
        Path first = Files.createDirectories(tmp.resolve("first"));
        Path second = Files.createDirectories(tmp.resolve("second"));
        Path zipLayout = Files.createDirectories(second.resolve("wintun/bin/arm64"));
        Files.writeString(zipLayout.resolve("wintun.dll"), "x");
        assertThat(WintunLibraryLocator.locate(null, List.of(first, second), "arm64")).isEqualTo(zipLayout.resolve("wintun.dll"));
        Path archDir = Files.createDirectories(first.resolve("arm64"));
        Files.writeString(archDir.resolve("wintun.dll"), "x");
        assertThat(WintunLibraryLocator.locate(null, List.of(first, second), "arm64")).isEqualTo(archDir.resolve("wintun.dll"));
        assertThatThrownBy(() -> WintunLibraryLocator.locate(null, List.of(first, second), "amd64"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(first.resolve("wintun.dll").toString())
                .hasMessageContaining("application directory");
    }

    @Test
    void applicationDirectoriesIncludeTheDirectoryOfNetstack4jsCode() {
        List<Path> dirs = WintunLibraryLocator.applicationDirectories();
        assertThat(dirs).isNotEmpty();
        assertThat(dirs).allSatisfy(d -> assertThat(d).isDirectory());
    }

    @Test
    void architectureNamesFollowWintunsDistribution() {
        assertThat(WintunLibraryLocator.windowsArch("amd64")).isEqualTo("amd64");
        assertThat(WintunLibraryLocator.windowsArch("x86_64")).isEqualTo("amd64");
        assertThat(WintunLibraryLocator.windowsArch("aarch64")).isEqualTo("arm64");
        assertThat(WintunLibraryLocator.windowsArch("x86")).isEqualTo("x86");
    }

    @Test
    void kernel32IsRefusedClearlyOffWindows() {
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "checks the refusal off Windows");
        assertThatThrownBy(Win32Natives::kernel32).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("only available on Windows");
        // Without natives of its own, opening a channel needs kernel32 too: the same clear refusal.
        assertThatThrownBy(() -> WintunChannel.open(WintunOptions.builder("x").libraryPath(tmp).build()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void netLuidFieldsDecode() {
        NetLuid luid = new NetLuid((53L << 48) | (7L << 24));
        assertThat(luid.ifType()).isEqualTo(53);
        assertThat(luid.netLuidIndex()).isEqualTo(7);
        assertThat(new NetLuid(-1L).ifType()).isEqualTo(0xFFFF);
        assertThat(new NetLuid(-1L).netLuidIndex()).isEqualTo(0xFFFFFF);
    }

    @Test
    void guidLayoutIsLittleEndianDataOneToThreeThenDataFourInOrder() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] g = WintunLibrary.writeGuid(arena, UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toArray(ValueLayout.JAVA_BYTE);
            assertThat(g).containsExactly(0x10, 0xb8, 0xa7, 0x6b, 0xad, 0x9d, 0xd1, 0x11,
                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8);
        }
    }

    @Test
    void fileTimeConvertsFromTheWindowsEpoch() {
        assertThat(WintunLibrary.fileTimeToInstant(116_444_736_000_000_000L)).isEqualTo(Instant.EPOCH);
        assertThat(WintunLibrary.fileTimeToInstant(116_444_736_000_000_000L + 10_000_000L + 5)).isEqualTo(Instant.ofEpochSecond(1, 500));
    }

    @Test
    void adaptiveSpinGrowsOnShortWaitsAndShrinksOnMisses() {
        AdaptiveSpin spin = new AdaptiveSpin(500);
        int start = spin.budget();
        assertThat(start).isPositive();
        for (int i = 0; i < 20; i++) {
            spin.waited(1_000); // packets kept arriving right after the spin gave up
        }
        assertThat(spin.budget()).isEqualTo(500);
        spin.waited(AdaptiveSpin.SHORT_WAIT_NANOS * 10); // a long wait alone changes nothing
        assertThat(spin.budget()).isEqualTo(500);
        for (int i = 0; i < 20; i++) {
            spin.missed();
        }
        assertThat(spin.budget()).isZero();
        spin.waited(1_000);
        assertThat(spin.budget()).isPositive();
        AdaptiveSpin never = new AdaptiveSpin(0);
        never.waited(1);
        assertThat(never.budget()).isZero();
    }

    @Test
    void callGuardRefusesAfterCloseAndCountsWhoIsInside() throws InterruptedException {
        CallGuard guard = new CallGuard();
        assertThat(guard.enter()).isTrue();
        assertThat(guard.enter()).isTrue();
        assertThat(guard.inside()).isEqualTo(2);
        Thread leaver = new Thread(() -> {
            guard.exit();
            guard.exit();
        });
        assertThat(guard.close()).isTrue();
        assertThat(guard.close()).isFalse();
        assertThat(guard.enter()).isFalse();
        leaver.start();
        guard.awaitEmpty();
        assertThat(guard.inside()).isZero();
        assertThat(guard.isClosed()).isTrue();
        leaver.join();
    }
}
