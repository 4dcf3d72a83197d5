package org.netstack4j.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The core's packages are layers; a lower layer must never import a higher one. This keeps the wire
 * formats usable without the stack, the link layer usable without the protocols, and so on.
 */
class LayeringTest {
    /** Lowest first. */
    static final List<String> LAYERS = List.of(
            "time", "buffer", "wire", "link", "network", "transport", "stack", "socket");

    // Every layer has classes now, so an empty match (a misspelt or moved package) fails the rule
    // instead of passing it vacuously.
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.netstack4j");
    }

    static Stream<String> layers() {
        return LAYERS.stream();
    }

    @ParameterizedTest
    @MethodSource("layers")
    void layerDoesNotDependOnHigherLayers(String layer) {
        int level = LAYERS.indexOf(layer);
        String[] higher = LAYERS.subList(level + 1, LAYERS.size()).stream()
                .map(p -> "org.netstack4j." + p + "..")
                .toArray(String[]::new);
        if (higher.length == 0) {
            return;
        }
        noClasses().that().resideInAPackage("org.netstack4j." + layer + "..")
                .should().dependOnClassesThat().resideInAnyPackage(higher)
                .because(layer + " is below " + Arrays.toString(higher))
                .allowEmptyShould(false)
                .check(core);
    }

    @ParameterizedTest
    @MethodSource("layers")
    void coreUsesNoThirdPartyCode(String layer) {
        noClasses().that().resideInAPackage("org.netstack4j." + layer + "..")
                .should().dependOnClassesThat().resideOutsideOfPackages("org.netstack4j..", "java..", "javax..", "jdk.internal..")
                .because("netstack4j-core has no runtime dependencies")
                .allowEmptyShould(false)
                .check(core);
    }
}
