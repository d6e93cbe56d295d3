package org.liveatlas.query.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's spool gives back exactly what was written, with the cluster labels known only at the end. */
class AnnotatedCellsTest {

    @Test
    void theSpoolReadsBackEveryCellAndEmbeddingInOrderAndIsDeletedOnClose(@TempDir Path dir) throws Exception {
        AnnotatedCells spool = AnnotatedCells.spooled(dir);
        List<CellAnnotation> written = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            boolean unknown = i % 7 == 0;
            CellAnnotation c = new CellAnnotation(
                    "cell-" + i,
                    unknown ? "unknown" : "B cell",
                    "B cell",
                    unknown ? null : "CL:0000236",
                    "CL:0000236",
                    unknown,
                    0.01 * i,
                    0.5,
                    i % 3 == 0 ? null : 0.8,
                    0.9,
                    0.85,
                    0.95,
                    50,
                    "c" + (i % 4),
                    i % 4 == 3 ? "kept" : null);
            written.add(c);
            spool.add(c, new float[] {i, -i, 0.5f});
        }
        spool.clusterLabels(Map.of("c0", "B cell", "c1", "T cell"));
        assertThat(spool.size()).isEqualTo(1000);
        List<CellAnnotation> read = spool.list();
        assertThat(read).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            CellAnnotation want = written.get(i);
            assertThat(read.get(i))
                    .isEqualTo(want.withCluster(
                            want.cluster(), i % 4 == 0 ? "B cell" : i % 4 == 1 ? "T cell" : want.clusterLabel()));
        }
        int n = 0;
        for (float[] e : spool.embeddings()) {
            assertThat(e).containsExactly(n, -n, 0.5f);
            n++;
        }
        assertThat(n).isEqualTo(1000);
        assertThat(spool.list()).as("read again").hasSize(1000);
        spool.close();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
