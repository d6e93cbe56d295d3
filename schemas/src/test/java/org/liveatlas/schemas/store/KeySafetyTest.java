package org.liveatlas.schemas.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeySafetyTest {
    @ParameterizedTest
    @ValueSource(strings = {"counts.h5ad", "ctrl/matrix.mtx.gz", "a/b/c/d/e.h5", "study.json", "name with spaces.h5ad"})
    void acceptsOrdinaryKeys(String key) {
        assertThat(KeySafety.problem(key)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../other/study.json", "a/../../b", "./x", "a/./b"})
    void rejectsDotSegmentsAsTraversal(String key) {
        assertThat(KeySafety.problem(key)).get().asString().contains("path traversal");
    }

    @Test
    void rejectsBackslashesControlCharactersAbsoluteAndEmptySegments() {
        assertThat(KeySafety.problem("..\\..\\x.h5ad")).get().asString().contains("backslash");
        assertThat(KeySafety.problem("bad\u0001name.h5ad"))
                .get()
                .asString()
                .contains("U+0001")
                .doesNotContain("\u0001");
        assertThat(KeySafety.problem("/etc/passwd")).get().asString().contains("absolute");
        assertThat(KeySafety.problem("a//b")).get().asString().contains("empty path segment");
        assertThat(KeySafety.problem("")).get().asString().contains("empty");
    }

    @Test
    void rejectsDeepNestingAndOverlongKeys() {
        assertThat(KeySafety.problem("a/b/c/d/e/f.h5")).get().asString().contains("5 folders deep");
        assertThat(KeySafety.problem("x".repeat(1025))).get().asString().contains("longer than 1024");
    }
}
