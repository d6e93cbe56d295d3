package org.liveatlas.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.matrix.CsrBatch;

class PickedRowsTest {

    @Test
    void mapsStudyGenesToResultColumnsSummingGenesThatMeetAndDroppingUnmappedOnes() {
        PickedRows rows = new PickedRows(3, 4);
        // study genes a, b, c, d -> result columns 3, 0, 3, dropped
        CsrBatch block = CsrBatch.ofDense(new float[][] {{1, 2, 3, 4}, {0, 5, 0, 6}});
        rows.put(new int[] {2, 0}, block, new int[] {3, 0, 3, -1});
        assertThat(rows.has(1)).isFalse();
        CsrBatch out = rows.toBatch();
        assertThat(out.denseRow(0)).containsExactly(5, 0, 0, 0);
        assertThat(out.denseRow(1)).containsExactly(0, 0, 0, 0);
        assertThat(out.denseRow(2)).containsExactly(2, 0, 0, 4);
    }

    @Test
    void picksChosenCellsOfAStudyIntoTheCallersOrderAndWritesThemAsX(@TempDir Path dir) {
        float[][] expected = StudyFixtures.expected("counts.npy");
        PickedRows rows = new PickedRows(3, 33);
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("csr_float32.h5ad"))) {
            rows.pick(reader, new int[] {4, 20, 39}, new int[] {2, 0, 1}, null, 2);
        }
        assertThat(rows.toBatch().denseRow(0)).containsExactly(expected[20]);
        Path file = dir.resolve("picked.h5ad");
        try (AnnDataWriter w = AnnDataWriter.create(file)) {
            w.x(rows)
                    .obs(List.of("c20", "c39", "c4"), Map.of("row", new int[] {20, 39, 4}))
                    .var(
                            java.util.stream.IntStream.range(0, 33)
                                    .mapToObj(i -> "G" + i)
                                    .toList(),
                            Map.of("n", new int[33]));
        }
        try (StudyReader back = StudyReaders.open(file)) {
            CsrBatch all = back.batches(10).next();
            assertThat(all.denseRow(0)).containsExactly(expected[20]);
            assertThat(all.denseRow(1)).containsExactly(expected[39]);
            assertThat(all.denseRow(2)).containsExactly(expected[4]);
        }
    }

    @Test
    void refusesAMapOfAnotherWidth() {
        PickedRows rows = new PickedRows(1, 2);
        assertThatThrownBy(() -> rows.put(new int[] {0}, CsrBatch.ofDense(new float[][] {{1, 2, 3}}), new int[] {0}))
                .hasMessageContaining("a map of 1 genes");
    }
}
