package org.liveatlas.schemas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StudyIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"pbmc14k", "PBMC_2024-01", "lab7.tumour", "a", "a.b.c"})
    void acceptsSafeIds(String id) {
        assertThat(StudyIds.problem(id)).isEmpty();
        assertThat(StudyIds.require(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc", "a/b", "a\\b", "a..b"})
    void rejectsTraversalNamingIt(String id) {
        assertThat(StudyIds.problem(id)).get().asString().contains("traversal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"with space", "caf\u00e9", "a:b", ".hidden", "trailing.", "-dash", "a*b"})
    void rejectsCharactersOutsideTheSafeSet(String id) {
        assertThat(StudyIds.problem(id)).get().asString().contains("[A-Za-z0-9._-]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\nb", "a\u007fb"})
    void rejectsControlCharactersWithoutPrintingThemRaw(String id) {
        String problem = StudyIds.problem(id).orElseThrow();
        assertThat(problem).contains("control character").contains("\\u");
        assertThat(problem.chars().noneMatch(Character::isISOControl)).isTrue();
    }

    @org.junit.jupiter.api.Test
    void rejectsEmptyAndOverlongIds() {
        assertThat(StudyIds.problem("")).get().asString().contains("empty");
        assertThat(StudyIds.problem("x".repeat(129))).get().asString().contains("129 characters");
        assertThatThrownBy(() -> StudyIds.require(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
