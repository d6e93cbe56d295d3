package org.liveatlas.flink.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.liveatlas.schemas.study.ObsColumns;

class NamedObsColumnsTest {
    private static final List<String> PRESENT = List.of("a", "b", "c");
    private static final String FILE = "deposits/S/file.h5ad";

    @Test
    void aMissingLabelColumnIsAReasonNamingStudyColumnFileAndFix() {
        assertThat(NamedObsColumns.problem("S", new ObsColumns(null, null, "X", null), PRESENT, FILE))
                .contains("study S: study.json names cellTypeLabel column 'X', but deposits/S/file.h5ad has no such"
                        + " obs column (its columns: a, b, c); fix study.json's columns.cellTypeLabel or the file,"
                        + " and deposit again");
    }

    @Test
    void aMissingOntologyOrDonorColumnIsAReasonToo() {
        assertThat(NamedObsColumns.problem("S", new ObsColumns(null, null, "a", "cl"), PRESENT, FILE))
                .contains("study S: study.json names cellOntologyId column 'cl', but deposits/S/file.h5ad has no"
                        + " such obs column (its columns: a, b, c); fix study.json's columns.cellOntologyId or the"
                        + " file, and deposit again");
        assertThat(NamedObsColumns.problem("S", new ObsColumns("donor_id", null, null, null), PRESENT, FILE))
                .contains("study S: study.json names donor column 'donor_id', but deposits/S/file.h5ad has no"
                        + " such obs column (its columns: a, b, c); fix study.json's columns.donor or the file, and"
                        + " deposit again");
    }

    @Test
    void everyMissingColumnIsNamedInOneReason() {
        assertThat(NamedObsColumns.problem("S", new ObsColumns("d", "s", "X", "cl"), PRESENT, FILE))
                .contains("study S: study.json names cellTypeLabel column 'X', cellOntologyId column 'cl', donor"
                        + " column 'd' and sample column 's', but deposits/S/file.h5ad has no such obs columns"
                        + " (its columns: a, b, c); fix study.json's columns.cellTypeLabel, columns.cellOntologyId,"
                        + " columns.donor and columns.sample or the file, and deposit again");
    }

    @Test
    void namedColumnsThatArePresentOrNoColumnsAtAllAreFine() {
        assertThat(NamedObsColumns.problem("S", new ObsColumns("a", "b", "c", null), PRESENT, FILE))
                .isEmpty();
        assertThat(NamedObsColumns.problem("S", new ObsColumns(null, null, null, null), List.of(), FILE))
                .isEmpty();
        assertThat(NamedObsColumns.problem("S", null, List.of(), FILE)).isEmpty();
    }

    @Test
    void aFileWithoutObsColumnsOrWithManySaysSoBriefly() {
        assertThat(NamedObsColumns.problem("S", new ObsColumns(null, null, "X", null), List.of(), FILE))
                .hasValueSatisfying(r -> assertThat(r).contains("(it has no obs columns)"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < NamedObsColumns.LISTED_COLUMNS + 5; i++) {
            many.add("c" + i);
        }
        assertThat(NamedObsColumns.problem("S", new ObsColumns(null, null, "X", null), many, FILE))
                .hasValueSatisfying(r -> assertThat(r)
                        .contains("c0, c1")
                        .contains("c19 and 5 more)")
                        .doesNotContain("c20"));
    }
}
