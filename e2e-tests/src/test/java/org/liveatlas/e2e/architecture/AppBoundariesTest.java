package org.liveatlas.e2e.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppBoundariesTest {

    @Test
    void noAppModuleDependsOnAnotherAppModule() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ModuleBoundaries.APP_PACKAGES.toArray(String[]::new));
        ModuleBoundaries.appsDoNotDependOnEachOther(ModuleBoundaries.APP_PACKAGES)
                .check(classes);
    }

    @Test
    void theRuleCatchesAnAppThatCallsAnotherApp() {
        String base = "org.liveatlas.e2e.architecture.fixture.";
        JavaClasses fixture = new ClassFileImporter().importPackages(base + "ingest", base + "query");
        assertThat(fixture).isNotEmpty();
        assertThatThrownBy(() -> ModuleBoundaries.appsDoNotDependOnEachOther(List.of(base + "ingest", base + "query"))
                        .check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fixture.query.QueryService")
                .hasMessageContaining("fixture.ingest.IngestService");
    }
}
