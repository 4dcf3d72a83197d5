package org.netstack4j.wire.oracle;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;
import org.netstack4j.testing.TShark;

/**
 * What every per-frame oracle test class starts with: skip (with the printed reason) without tshark, and
 * the frames of every capture as the source of its {@code @MethodSource("frames")} tests.
 */
abstract class OracleTestBase {
    @BeforeAll
    static void needsTShark() {
        TShark.assumeAvailable();
    }

    static Stream<Arguments> frames() {
        return WireOracle.arguments();
    }
}
