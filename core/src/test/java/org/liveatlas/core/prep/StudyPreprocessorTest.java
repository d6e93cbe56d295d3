package org.liveatlas.core.prep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.align.AlignmentReport;
import org.liveatlas.core.io.StudyFixtures;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.qc.QcReport;
import org.liveatlas.core.qc.QcThresholds;

class StudyPreprocessorTest {
    private static final PreprocessOptions OPTIONS =
            PreprocessOptions.DEFAULT.withChunkRows(7).withAlign(AlignOptions.DEFAULT.withMinSharedGenes(20));

    private static final List<String> CELLS = java.util.stream.IntStream.range(0, 40)
            .mapToObj(i -> String.format("CELL%03d-1", i))
            .toList();

    /** Every prepared cell: its id, its study row and its lognorm row. */
    private record Cell(String id, int studyRow, float[] expression) {}

    private static List<Cell> drain(PreparedStudy study) {
        List<Cell> out = new ArrayList<>();
        while (study.hasNext()) {
            PreparedChunk chunk = study.next();
            assertThat(chunk.expression().cols()).isEqualTo(30);
            for (int i = 0; i < chunk.cells(); i++) {
                out.add(new Cell(
                        chunk.cellIds().get(i),
                        chunk.studyRows()[i],
                        chunk.expression().denseRow(i)));
            }
        }
        assertThat(study.finished()).isTrue();
        assertThat(study.cellsRead()).isEqualTo(study.reader().cellCount());
        return out;
    }

    private static void assertLognormRow(float[] actual, float[] expected, String cell) {
        for (int g = 0; g < expected.length; g++) {
            assertThat((double) actual[g])
                    .as("%s gene %d", cell, g)
                    .isCloseTo(expected[g], Offset.offset(Math.abs(expected[g]) * 1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "csr_float32.h5ad",
                "csr_int64.h5ad",
                "csc_float64.h5ad",
                "dense_int32.h5ad",
                "layers_counts.h5ad",
                "raw_x.h5ad",
                "ensembl_index.h5ad",
                "tenx_v3",
                "tenx_v2",
                "filtered_feature_bc_matrix.h5"
            })
    void turnsEveryLayoutIntoTheReferenceLognormOverTheModelsGenes(String name) {
        float[][] expected = StudyFixtures.expected("lognorm.npy");
        StudyPreprocessor prep = new StudyPreprocessor(StudyFixtures.modelGenes(), OPTIONS);
        try (PreparedStudy study = prep.open("s1", StudyFixtures.study(name))) {
            assertThat(study.alignmentReport().sharedGenes()).isEqualTo(25);
            List<Cell> cells = drain(study);
            assertThat(cells).extracting(Cell::id).isEqualTo(CELLS);
            for (Cell c : cells) {
                assertLognormRow(c.expression(), expected[c.studyRow()], c.id());
            }
            assertThat(study.qcReport()).isEqualTo(new QcReport("s1", QcThresholds.PERMISSIVE, 40, 40, 0, 0, 0, 0));
            assertThat(study.alignmentReport())
                    .isEqualTo(new AlignmentReport("s1", study.alignmentReport().geneNames(), 30, 33, 25, 5, 6, 2));
        }
    }

    @Test
    void filtersOnTheStudysOwnGenesBeforeAligning() {
        // Cell 5 has 24 counts, all on genes the model lacks, so QC keeps it and it is all zero after
        // alignment; cell 7 is mostly MT-CO1. A mito limit of 0.5 drops cell 7 only among those.
        QcThresholds t = new QcThresholds(1, 1, 0.5);
        StudyPreprocessor prep = new StudyPreprocessor(StudyFixtures.modelGenes(), OPTIONS.withQc(t));
        float[][] expected = StudyFixtures.expected("lognorm.npy");
        try (PreparedStudy study = prep.open("s1", StudyFixtures.study("tenx_v3"))) {
            List<Cell> cells = drain(study);
            List<String> ids = cells.stream().map(Cell::id).toList();
            assertThat(ids).contains("CELL005-1").doesNotContain("CELL003-1", "CELL007-1");
            for (Cell c : cells) {
                assertThat(c.id()).isEqualTo(CELLS.get(c.studyRow()));
                assertLognormRow(c.expression(), expected[c.studyRow()], c.id());
            }
            QcReport qc = study.qcReport();
            assertThat(qc.cellsRead()).isEqualTo(40);
            assertThat(qc.cellsKept()).isEqualTo(cells.size());
            assertThat(qc.droppedTooFewCounts()).isGreaterThanOrEqualTo(1); // cell 3
            assertThat(qc.droppedTooMuchMito()).isGreaterThanOrEqualTo(1); // cell 7
        }
    }

    @Test
    void resumesAtTheRowAPreviousPassReached() {
        float[][] expected = StudyFixtures.expected("lognorm.npy");
        StudyPreprocessor prep = new StudyPreprocessor(StudyFixtures.modelGenes(), OPTIONS);
        int resumeAt;
        try (PreparedStudy first = prep.open("s1", StudyFixtures.study("csr_float32.h5ad"))) {
            first.next();
            first.next();
            assertThat(first.hasNext()).isTrue(); // fetches the third chunk without handing it out
            resumeAt = first.cellsRead();
        }
        assertThat(resumeAt).isEqualTo(14);
        try (PreparedStudy rest = prep.open("s1", StudyFixtures.study("csr_float32.h5ad"), resumeAt)) {
            List<Cell> cells = new ArrayList<>();
            while (rest.hasNext()) {
                PreparedChunk chunk = rest.next();
                for (int i = 0; i < chunk.cells(); i++) {
                    cells.add(new Cell(
                            chunk.cellIds().get(i),
                            chunk.studyRows()[i],
                            chunk.expression().denseRow(i)));
                }
            }
            assertThat(cells).extracting(Cell::id).isEqualTo(CELLS.subList(14, 40));
            for (Cell c : cells) {
                assertLognormRow(c.expression(), expected[c.studyRow()], c.id());
            }
            assertThat(rest.qcReport().cellsRead()).isEqualTo(26);
        }
    }

    @Test
    void rejectsAStudyWithTooFewSharedGenesWhenOpened() {
        StudyPreprocessor prep = new StudyPreprocessor(StudyFixtures.modelGenes(), OPTIONS);
        assertThatThrownBy(() -> prep.open("S12", StudyFixtures.study("few_shared.h5ad")))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageStartingWith(
                        "study S12: only 3 of the model's 30 genes found (need 20); are var names gene symbols?");
    }

    @Test
    void surfacesBadCountsWhileIterating() {
        StudyPreprocessor prep = new StudyPreprocessor(StudyFixtures.modelGenes(), OPTIONS);
        Path file = StudyFixtures.study("negative.h5ad");
        try (PreparedStudy study = prep.open("bad", file)) {
            assertThatThrownBy(() -> drain(study))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("CELL009-1")
                    .hasMessageContaining("GENE05")
                    .hasMessageContaining("-3.0");
        }
    }

    @Test
    void embedsTheRealKangStudyWithAThresholdSuitedToItsPanel() {
        var data = StudyFixtures.sharedData();
        Assumptions.assumeTrue(data.isPresent(), "shared/data not found (set -Dliveatlas.shared.dir)");
        Path kang = data.get().resolve("kang_muscat/kang_muscat.h5ad");
        List<String> model;
        try (StudyReader other = StudyReaders.open(data.get().resolve("pbmc14k_sorted/pbmc14k_sorted.h5ad"))) {
            model = other.geneSymbols();
        }
        StudyPreprocessor strict = new StudyPreprocessor(model, PreprocessOptions.DEFAULT);
        assertThatThrownBy(() -> strict.open("kang", kang))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageStartingWith(
                        "study kang: only 1,129 of the model's 8,846 genes found (need 5,000); are var names gene symbols?");
        StudyPreprocessor lenient = new StudyPreprocessor(
                model, PreprocessOptions.DEFAULT.withAlign(AlignOptions.DEFAULT.withMinSharedGenes(1_000)));
        try (PreparedStudy study = lenient.open("kang", kang)) {
            int cells = 0;
            while (study.hasNext()) {
                PreparedChunk chunk = study.next();
                for (int i = 0; i < chunk.cells(); i++) {
                    float[] row = chunk.expression().denseRow(i);
                    double scaled = 0;
                    for (float v : row) {
                        scaled += Math.expm1(v);
                    }
                    // Every kept cell with counts on the model's genes sums back to 10,000.
                    if (scaled > 0) {
                        assertThat(scaled).isCloseTo(1e4, Offset.offset(1.0));
                    }
                }
                cells += chunk.cells();
            }
            assertThat(cells).isEqualTo(1_556);
            assertThat(study.alignmentReport().sharedGenes()).isEqualTo(1_129);
        }
    }
}
