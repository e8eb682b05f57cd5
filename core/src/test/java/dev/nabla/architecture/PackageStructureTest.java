package dev.nabla.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure docs/design.md describes: no cycles between packages, and core's layers
 * import downward only (io < data < nn < model, check < train < bench, seeds on top).
 */
class PackageStructureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nabla");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.nabla.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void coreIsLayered() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("tensor").definedBy("dev.nabla.tensor..", "dev.nabla.spi..")
                .layer("io").definedBy("dev.nabla.io..")
                .layer("data").definedBy("dev.nabla.data..")
                .layer("nn").definedBy("dev.nabla.nn..")
                .layer("model").definedBy("dev.nabla.model..")
                .layer("check").definedBy("dev.nabla.check..")
                .layer("train").definedBy("dev.nabla.train..")
                .layer("bench").definedBy("dev.nabla.bench..")
                .layer("seeds").definedBy("dev.nabla.seeds..")
                .whereLayer("seeds").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayOnlyBeAccessedByLayers("seeds")
                .whereLayer("train").mayOnlyBeAccessedByLayers("bench", "seeds")
                .whereLayer("check").mayOnlyBeAccessedByLayers("train", "bench", "seeds")
                .whereLayer("model").mayOnlyBeAccessedByLayers("train", "bench", "seeds")
                .whereLayer("nn").mayOnlyBeAccessedByLayers("model", "check", "train", "bench", "seeds")
                .whereLayer("data").mayOnlyBeAccessedByLayers("nn", "model", "check", "train", "bench", "seeds")
                .whereLayer("io").mayOnlyBeAccessedByLayers("data", "nn", "model", "check", "train", "bench", "seeds")
                .check(MAIN);
    }

    @Test
    void theTensorApiKnowsNothingAboveIt() {
        noClasses().that().resideInAnyPackage("dev.nabla.tensor..", "dev.nabla.spi..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.nabla.tensor..", "dev.nabla.spi..",
                        "java..")
                .check(MAIN);
    }
}
