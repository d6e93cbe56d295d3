package org.liveatlas.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleMetadataTest {

    private static final Map<String, Map<String, String>> META = Map.of(
            "c1", Map.of("study", "S2", "sample", "a", "tissue", "blood"),
            "c2", Map.of("study", "S1", "sample", "x", "tissue", "blood"),
            "c3", Map.of("study", "S2", "sample", "a", "tissue", "blood"),
            "c4", Map.of("study", "S1", "sample", "x", "tissue", "lung"),
            "c5", Map.of("study", "S1", "sample", "x"));

    private static List<Hit> hits(String... ids) {
        return Arrays.stream(ids).map(id -> new Hit(id, 0.1)).toList();
    }

    @Test
    void countsHitsPerGroupInSortedKeyOrderWithFractionsOfTheSample() {
        List<SampleMetadata.Row> rows = SampleMetadata.compile(
                List.of(hits("c1", "c2", "c3", "c4", "c5")),
                META::get,
                List.of("study", "sample", "tissue"),
                Map.of(List.of("S1", "x"), 10L, List.of("S2", "a"), 4L));

        assertThat(rows)
                .extracting(SampleMetadata.Row::group)
                .containsExactly(
                        Map.of("study", "S1", "sample", "x", "tissue", "blood"),
                        Map.of("study", "S1", "sample", "x", "tissue", "lung"),
                        Map.of("study", "S2", "sample", "a", "tissue", "blood"));
        assertThat(rows).extracting(SampleMetadata.Row::cells).containsExactly(1L, 1L, 2L);
        assertThat(rows.get(2).total().getAsLong()).isEqualTo(4L);
        assertThat(rows.get(2).fraction().getAsDouble()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void groupsEachQueryOnItsOwnAndSkipsFractionsWithoutStudyAndSample() {
        List<SampleMetadata.Row> rows =
                SampleMetadata.compile(List.of(hits("c1", "c3"), hits("c2")), META::get, List.of("tissue"), Map.of());

        assertThat(rows).extracting(SampleMetadata.Row::query).containsExactly(0, 1);
        assertThat(rows.get(0).cells()).isEqualTo(2L);
        assertThat(rows.get(0).fraction()).isEmpty();
    }

    @Test
    void rejectsAMissingSampleTotal() {
        assertThatThrownBy(() ->
                        SampleMetadata.compile(List.of(hits("c1")), META::get, List.of("study", "sample"), Map.of()))
                .hasMessageContaining("study S2, sample a");
    }
}
