package org.liveatlas.e2e.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule that keeps the apps apart: an app never depends on another app; apps meet only through
 * schemas, topics, object-store paths and indexes.
 */
final class ModuleBoundaries {
    /** The base package of each app module. */
    static final List<String> APP_PACKAGES =
            List.of("org.liveatlas.ingest", "org.liveatlas.flink", "org.liveatlas.trainer", "org.liveatlas.query");

    private ModuleBoundaries() {}

    /** No class of one app package depends on a class of another, for the given app base packages. */
    static ArchRule appsDoNotDependOnEachOther(List<String> appPackages) {
        List<ArchRule> rules = new ArrayList<>();
        for (String app : appPackages) {
            String[] others = appPackages.stream()
                    .filter(o -> !o.equals(app))
                    .map(o -> o + "..")
                    .toArray(String[]::new);
            rules.add(noClasses()
                    .that()
                    .resideInAPackage(app + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .because("apps meet only through schemas, topics, object-store paths and indexes"
                            + " (see ARCHITECTURE.md); move shared code to core or schemas")
                    .allowEmptyShould(true));
        }
        return CompositeArchRule.of(rules);
    }
}
