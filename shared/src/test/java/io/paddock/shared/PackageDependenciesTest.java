package io.paddock.shared;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * A cycle between two packages makes them one module in all but name: neither can be read, changed or
 * tested without the other. Each package of shared may lean on those below it, never on one that leans
 * back on it.
 */
class PackageDependenciesTest {

    private static final JavaClasses SHARED = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.paddock.shared");

    @Test
    void thePackagesOfSharedFormNoCycle() {
        slices().matching("io.paddock.shared.(*)..").should().beFreeOfCycles().check(SHARED);
    }
}
