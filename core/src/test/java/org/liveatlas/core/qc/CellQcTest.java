package org.liveatlas.core.qc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.io.StudyFixtures;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.matrix.CsrBatch;

class CellQcTest {

    private record Expected(String cell, int genes, double total, double mito) {}

    private static List<Expected> expectedQc() {
        List<Expected> out = new ArrayList<>();
        for (String line : StudyFixtures.lines("expected/qc.tsv").subList(1, 41)) {
            String[] f = line.split("\t");
            out.add(new Expected(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])));
        }
        return out;
    }

    @Test
    void measuresGenesDetectedTotalCountsAndMitoFractionOnTheStudysOwnGenes() {
        List<Expected> expected = expectedQc();
        CellQc qc = new CellQc("s", StudyFixtures.studyGenes(), QcThresholds.PERMISSIVE);
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("csr_float32.h5ad"))) {
            int row = 0;
            for (Iterator<CsrBatch> it = reader.batches(16); it.hasNext(); ) {
                CellQcMetrics m = qc.measure(it.next());
                for (int r = 0; r < m.cells(); r++, row++) {
                    Expected e = expected.get(row);
                    assertThat(m.genesDetected()[r]).as(e.cell()).isEqualTo(e.genes());
                    assertThat(m.totalCounts()[r]).as(e.cell()).isEqualTo(e.total());
                    assertThat(m.mitoFraction()[r]).as(e.cell()).isCloseTo(e.mito(), Offset.offset(1e-12));
                }
            }
            assertThat(row).isEqualTo(40);
        }
    }

    @Test
    void keepsEveryCellByDefault() {
        CellQc qc = new CellQc("s", StudyFixtures.studyGenes(), QcThresholds.PERMISSIVE);
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("tenx_v3"))) {
            int first = 0;
            for (Iterator<CsrBatch> it = reader.batches(16); it.hasNext(); ) {
                CsrBatch b = it.next();
                CellQc.Filtered f = qc.filter(b, first);
                assertThat(f.kept()).isEqualTo(b);
                first += b.rows();
            }
        }
        assertThat(qc.report()).isEqualTo(new QcReport("s", QcThresholds.PERMISSIVE, 40, 40, 0, 0, 0, 0));
    }

    @Test
    void dropsCellsPerThresholdAndCountsEachUnderItsFirstReason() {
        QcThresholds t = new QcThresholds(8, 20, 0.5);
        List<Expected> expected = expectedQc();
        long lowCounts = expected.stream().filter(e -> e.total() < 20).count();
        long fewGenes =
                expected.stream().filter(e -> e.total() >= 20 && e.genes() < 8).count();
        long mito = expected.stream()
                .filter(e -> e.total() >= 20 && e.genes() >= 8 && e.mito() > 0.5)
                .count();
        List<String> keptIds = expected.stream()
                .filter(e -> e.total() >= 20 && e.genes() >= 8 && e.mito() <= 0.5)
                .map(Expected::cell)
                .toList();
        assertThat(lowCounts).isPositive();
        assertThat(fewGenes + mito).isPositive();

        CellQc qc = new CellQc("s", StudyFixtures.studyGenes(), t);
        List<String> kept = new ArrayList<>();
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("csc_float64.h5ad"))) {
            int first = 0;
            for (Iterator<CsrBatch> it = reader.batches(6); it.hasNext(); ) {
                CsrBatch b = it.next();
                CellQc.Filtered f = qc.filter(b, first);
                for (int i = 0; i < f.studyRows().length; i++) {
                    kept.add(reader.cellIds().get(f.studyRows()[i]));
                    assertThat(f.kept().denseRow(i)).isEqualTo(b.denseRow(f.studyRows()[i] - first));
                }
                first += b.rows();
            }
        }
        assertThat(kept).isEqualTo(keptIds);
        assertThat(qc.report())
                .isEqualTo(new QcReport("s", t, 40, keptIds.size(), 40 - keptIds.size(), lowCounts, fewGenes, mito));
    }

    @Test
    void scimilarityTrainingPresetUsesStrictLimits() {
        QcThresholds t = QcThresholds.SCIMILARITY_TRAINING;
        // Genes: 0..599 plain, 600 = MT-X. Cells built to sit on each boundary.
        List<String> genes = new ArrayList<>();
        for (int g = 0; g < 600; g++) {
            genes.add("G" + g);
        }
        genes.add("MT-X");
        float[][] cells = {
            cellWith(501, 2, 0), // 1,002 counts over 501 genes: kept
            cellWith(500, 3, 0), // 500 genes: dropped (genes > 500 required)
            cellWith(501, 1, 499), // 501 + 499 = 1,000 counts: dropped (counts > 1,000 required)
            cellWith(502, 2, 251), // mito 251 / 1,255 = 0.2 exactly: dropped (mito < 20% required)
            cellWith(502, 2, 250), // mito 250 / 1,254 < 0.2: kept
        };
        CellQc qc = new CellQc("s", genes, t);
        CellQc.Filtered f = qc.filter(toCsr(cells), 0);
        assertThat(f.studyRows()).containsExactly(0, 4);
        assertThat(qc.report()).isEqualTo(new QcReport("s", t, 5, 2, 3, 1, 1, 1));
    }

    private static float[] cellWith(int genes, float each, float mito) {
        float[] row = new float[601];
        for (int g = 0; g < genes; g++) {
            row[g] = each;
        }
        row[600] = mito;
        return row;
    }

    private static CsrBatch toCsr(float[][] dense) {
        return CsrBatch.ofDense(dense);
    }

    @Test
    void reportSerialisesToJsonAndBack() throws Exception {
        QcReport report = new QcReport("S7", QcThresholds.SCIMILARITY_TRAINING, 100, 90, 10, 4, 5, 1);
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(report);
        assertThat(text)
                .contains("\"study\":\"S7\"", "\"cellsRead\":100", "\"cellsKept\":90", "\"droppedTooMuchMito\":1")
                .contains(
                        "\"thresholds\":{\"minGenes\":501,\"minCounts\":1001,\"maxMitoFraction\":0.19999999999999998}");
        assertThat(json.readValue(text, QcReport.class)).isEqualTo(report);
        assertThat(text).doesNotContain("summary");
        assertThat(report.summary())
                .isEqualTo("study S7: 100 cells read, 90 kept, 10 dropped (4 too few counts, 5 too few genes,"
                        + " 1 too much mitochondrial)");
    }

    @Test
    void refusesInconsistentReportsAndThresholds() {
        assertThatThrownBy(() -> new QcReport("s", QcThresholds.PERMISSIVE, 10, 5, 4, 4, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QcThresholds(0, 0, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxMitoFraction");
    }
}
