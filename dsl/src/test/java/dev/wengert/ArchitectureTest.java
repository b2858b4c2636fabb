package dev.wengert;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure of the DSL, as README's "Layout" describes it: no package cycle, the
 * facade on top and imported by nobody, and dependencies pointing one way, from plots down to
 * the rules.
 */
class ArchitectureTest {
    private static final JavaClasses DSL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.wengert");

    @Test
    void noPackageCycles() {
        slices().matching("dev.wengert.(*)..").should().beFreeOfCycles().check(DSL);
    }

    /** With the cycle check above, this keeps the root package out of every cycle too. */
    @Test
    void subpackagesNeverUseTheFacade() {
        noClasses().that().resideOutsideOfPackage("dev.wengert")
                .should().dependOnClassesThat().resideInAPackage("dev.wengert")
                .because("the facade (dev.wengert.Wengert) only delegates; the packages it delegates to call each "
                        + "other and the engine (dev.wengert.core), never back to it")
                .check(DSL);
    }

    @Test
    void dependenciesPointInward() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("facade").definedBy("dev.wengert")
                .layer("plot").definedBy("dev.wengert.plot..")
                .layer("fit").definedBy("dev.wengert.fit..")
                .layer("optim").definedBy("dev.wengert.optim..")
                .layer("tensor").definedBy("dev.wengert.tensor..")
                .layer("compile").definedBy("dev.wengert.compile..")
                .layer("engine").definedBy("dev.wengert.core..")
                .layer("rules").definedBy("dev.wengert.rules..")
                .layer("series").definedBy("dev.wengert.forward..")
                .layer("display").definedBy("dev.wengert.display..")
                .whereLayer("facade").mayNotBeAccessedByAnyLayer()
                .whereLayer("plot").mayOnlyBeAccessedByLayers("facade")
                .whereLayer("fit").mayOnlyBeAccessedByLayers("facade", "plot")
                .whereLayer("optim").mayOnlyBeAccessedByLayers("facade", "plot", "fit")
                .whereLayer("tensor").mayOnlyBeAccessedByLayers("facade", "plot", "fit", "optim")
                .whereLayer("compile").mayOnlyBeAccessedByLayers("facade", "plot", "fit", "optim", "tensor")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("facade", "plot", "fit", "optim", "tensor", "compile")
                .whereLayer("rules").mayOnlyBeAccessedByLayers("facade", "plot", "fit", "optim", "tensor", "compile",
                        "engine")
                .whereLayer("series").mayOnlyBeAccessedByLayers("facade", "plot", "fit", "optim", "tensor", "compile",
                        "engine", "rules")
                .check(DSL);
    }
}
