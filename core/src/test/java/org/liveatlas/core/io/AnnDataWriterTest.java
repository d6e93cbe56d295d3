package org.liveatlas.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.matrix.CsrBatch;

class AnnDataWriterTest {
    private static final CsrBatch COUNTS = CsrBatch.ofDense(new float[][] {{1, 0, 3}, {0, 0, 0}, {0, 7, 2}});

    @Test
    void writesAFileTheCoreReaderReadsBackWithNumericAndStringColumnsAndUnsDataframes(@TempDir Path dir) {
        Path file = dir.resolve("a.h5ad");
        Map<String, Object> obs = new LinkedHashMap<>();
        obs.put("donor", List.of("d1", "d2", "d3"));
        obs.put("n", new int[] {4, 0, 9});
        Map<String, Object> uns = new LinkedHashMap<>();
        uns.put("n_genes", new int[] {3, 2});
        try (AnnDataWriter w = AnnDataWriter.create(file)) {
            w.attribute("note", "x")
                    .x(COUNTS)
                    .obs(List.of("c1", "c2", "c3"), obs)
                    .var(List.of("G1", "G2", "G3"), Map.of("n_studies", new int[] {1, 2, 2}))
                    .unsDataframe("studies", List.of("s1", "s2"), uns);
        }
        try (StudyReader back = StudyReaders.open(file)) {
            assertThat(back.countsLocation()).isEqualTo("X");
            assertThat(back.cellIds()).containsExactly("c1", "c2", "c3");
            assertThat(back.geneSymbols()).containsExactly("G1", "G2", "G3");
            assertThat(back.obsColumn("donor")).containsExactly("d1", "d2", "d3");
            assertThat(back.obsColumn("n")).containsExactly("4", "0", "9");
            assertThat(back.varColumn("n_studies")).containsExactly("1", "2", "2");
            assertThat(back.batches(10).next()).isEqualTo(COUNTS);
        }
        try (HdfFile h = new HdfFile(file)) {
            assertThat(h.getAttribute("note").getData()).isEqualTo("x");
            assertThat(h.getByPath("uns").getAttribute("encoding-type").getData())
                    .isEqualTo("dict");
            assertThat((String[]) h.getDatasetByPath("uns/studies/_index").getData())
                    .containsExactly("s1", "s2");
            assertThat((int[]) h.getDatasetByPath("uns/studies/n_genes").getData())
                    .containsExactly(3, 2);
        }
    }

    @Test
    void aRefusedPartLeavesNoFile(@TempDir Path dir) {
        Path file = dir.resolve("bad.h5ad");
        assertThatThrownBy(() -> {
                    try (AnnDataWriter w = AnnDataWriter.create(file)) {
                        w.x(COUNTS).obs(List.of("c1"), Map.of());
                    }
                })
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("obs index has 1 entries, need 3");
        assertThat(Files.exists(file)).isFalse();
        assertThatThrownBy(() -> {
                    try (AnnDataWriter w = AnnDataWriter.create(file)) {
                        w.obs(List.of("c1"), Map.of("x", new boolean[] {true}));
                    }
                })
                .hasMessageContaining("obs column x is a boolean[]");
        assertThat(Files.exists(file)).isFalse();
    }
}
