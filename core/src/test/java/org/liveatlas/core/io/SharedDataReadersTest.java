package org.liveatlas.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.matrix.CsrBatch;

/** Reads the real studies under shared/data (skipped where that folder is absent). */
class SharedDataReadersTest {

    private static Path set(String name) {
        Optional<Path> data = StudyFixtures.sharedData();
        Assumptions.assumeTrue(data.isPresent(), "shared/data not found (set -Dliveatlas.shared.dir)");
        return data.get().resolve(name);
    }

    private static void assertSameStudy(Path h5ad, Path tenx, int cells, int genes) {
        try (StudyReader a = StudyReaders.open(h5ad);
                StudyReader b = StudyReaders.open(tenx)) {
            assertThat(a.cellCount()).isEqualTo(cells);
            assertThat(a.geneCount()).isEqualTo(genes);
            assertThat(b.cellCount()).isEqualTo(cells);
            assertThat(b.geneCount()).isEqualTo(genes);
            assertThat(a.cellIds()).isEqualTo(b.cellIds());
            assertThat(a.geneSymbols()).isEqualTo(b.geneSymbols());
            assertThat(a.countsLocation()).isEqualTo("layers/counts");
            assertThat(a.obsColumnNames()).contains("label", "label_coarse", "donor", "study");
            assertThat(a.obsColumn("label_coarse")).hasSize(cells);
            Iterator<CsrBatch> ia = a.batches(256);
            Iterator<CsrBatch> ib = b.batches(256);
            long nnz = 0;
            while (ia.hasNext()) {
                CsrBatch x = ia.next();
                assertThat(ib.next()).isEqualTo(x);
                nnz += x.nnz();
            }
            assertThat(ib.hasNext()).isFalse();
            assertThat(nnz).isPositive();
        }
    }

    @Test
    void pbmcTinyReadsAsFiftyCellsOver1267GenesInBothFormats() {
        Path dir = set("fixtures/pbmc_tiny");
        assertSameStudy(dir.resolve("pbmc_tiny.h5ad"), dir, 50, 1_267);
        try (StudyReader r = StudyReaders.open(dir.resolve("pbmc_tiny.h5ad"))) {
            assertThat(r.obsColumn("label_coarse")).contains("B cell", "CD14 monocyte", "FCGR3A monocyte");
        }
    }

    @Test
    void kangMuscatReadsAs1556CellsOver1267GenesInBothFormats() {
        Path dir = set("kang_muscat");
        assertSameStudy(dir.resolve("kang_muscat.h5ad"), dir, 1_556, 1_267);
        try (StudyReader r = StudyReaders.open(dir.resolve("kang_muscat.h5ad"))) {
            List<String> condition = r.obsColumn("condition");
            assertThat(condition).containsOnly("ctrl", "stim");
        }
    }
}
