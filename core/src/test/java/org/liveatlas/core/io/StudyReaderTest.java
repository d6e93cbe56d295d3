package org.liveatlas.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveatlas.core.matrix.CsrBatch;

class StudyReaderTest {
    private static final List<String> CELLS =
            IntStream.range(0, 40).mapToObj(i -> String.format("CELL%03d-1", i)).toList();

    static float[][] readAll(StudyReader reader, int chunkRows) {
        float[][] out = new float[reader.cellCount()][];
        int row = 0;
        Iterator<CsrBatch> it = reader.batches(chunkRows);
        while (it.hasNext()) {
            CsrBatch b = it.next();
            assertThat(b.cols()).isEqualTo(reader.geneCount());
            assertThat(b.rows()).isLessThanOrEqualTo(chunkRows);
            for (int r = 0; r < b.rows(); r++) {
                out[row++] = b.denseRow(r);
            }
        }
        assertThat(row).isEqualTo(reader.cellCount());
        return out;
    }

    @ParameterizedTest(name = "{0} via {1}")
    @CsvSource({
        "csr_float32.h5ad, X, H5AD",
        "csr_int64.h5ad, X, H5AD",
        "csc_float64.h5ad, X, H5AD",
        "dense_int32.h5ad, X, H5AD",
        "dense_float32.h5ad, X, H5AD",
        "csr_gzip.h5ad, X, H5AD",
        "layers_counts.h5ad, layers/counts, H5AD",
        "raw_x.h5ad, raw/X, H5AD",
        "old_categorical_ref.h5ad, X, H5AD",
        "old_categorical_uns.h5ad, X, H5AD",
        "tenx_v3, matrix.mtx.gz, TENX_MTX",
        "tenx_v2, matrix.mtx, TENX_MTX",
        "filtered_feature_bc_matrix.h5, matrix, TENX_H5",
    })
    void readsTheSameCountsFromEveryLayout(String name, String location, StudyFormat format) {
        float[][] expected = StudyFixtures.expected("counts.npy");
        for (int chunk : new int[] {1, 7, 40, 1000}) {
            try (StudyReader reader = StudyReaders.open(StudyFixtures.study(name))) {
                assertThat(reader.format()).isEqualTo(format);
                assertThat(reader.countsLocation()).isEqualTo(location);
                assertThat(reader.cellCount()).isEqualTo(40);
                assertThat(reader.cellIds()).isEqualTo(CELLS);
                assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
                assertThat(readAll(reader, chunk)).isDeepEqualTo(expected);
            }
        }
    }
}
