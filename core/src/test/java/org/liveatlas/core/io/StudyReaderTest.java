package org.liveatlas.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.matrix.CsrBatch;

class StudyReaderTest {
    static final List<String> CELLS =
            IntStream.range(0, 40).mapToObj(i -> String.format("CELL%03d-1", i)).toList();
    static final List<String> LABELS = IntStream.range(0, 40)
            .mapToObj(i -> List.of("B cell", "CD4 T cell", "NK cell").get(i % 3))
            .toList();
    static final List<String> DONORS =
            IntStream.range(0, 40).mapToObj(i -> "D" + (i % 2)).toList();

    /** Every batch of a pass, densified, checking chunk shapes on the way. */
    static float[][] readAll(StudyReader reader, int chunkRows) {
        float[][] out = new float[reader.cellCount()][];
        int row = 0;
        Iterator<CsrBatch> it = reader.batches(chunkRows);
        while (it.hasNext()) {
            CsrBatch b = it.next();
            assertThat(b.cols()).isEqualTo(reader.geneCount());
            assertThat(b.rows()).isEqualTo(Math.min(chunkRows, reader.cellCount() - row));
            for (int r = 0; r < b.rows(); r++) {
                out[row++] = b.denseRow(r);
            }
        }
        assertThat(row).isEqualTo(reader.cellCount());
        return out;
    }

    private static void drain(StudyReader reader) {
        reader.batches(8).forEachRemaining(b -> {});
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
        "ensembl_index.h5ad, X, H5AD",
        "old_categorical_ref.h5ad, X, H5AD",
        "old_categorical_uns.h5ad, raw.X, H5AD",
        "tenx_v3, matrix.mtx.gz, TENX_MTX",
        "tenx_v2, matrix.mtx, TENX_MTX",
        "filtered_feature_bc_matrix.h5, matrix, TENX_H5",
    })
    void readsTheSameCountsFromEveryLayoutInAnyChunkSize(String name, String location, StudyFormat format) {
        float[][] expected = StudyFixtures.expected("counts.npy");
        for (int chunk : new int[] {1, 7, 40, 1000}) {
            try (StudyReader reader = StudyReaders.open(StudyFixtures.study(name))) {
                assertThat(reader.format()).isEqualTo(format);
                assertThat(reader.countsLocation()).isEqualTo(location);
                assertThat(reader.cellCount()).isEqualTo(40);
                assertThat(reader.geneCount()).isEqualTo(33);
                assertThat(reader.cellIds()).isEqualTo(CELLS);
                assertThat(readAll(reader, chunk)).isDeepEqualTo(expected);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "csr_float32.h5ad",
                "csc_float64.h5ad",
                "dense_int32.h5ad",
                "tenx_v3",
                "filtered_feature_bc_matrix.h5"
            })
    void selectedRowsAreTheWantedCellsInOrderWhateverTheGapsAndBlockSize(String name) {
        float[][] expected = StudyFixtures.expected("counts.npy");
        int[] wanted = {0, 1, 2, 5, 17, 18, 30, 39};
        for (int chunk : new int[] {1, 2, 3, 8, 100}) {
            try (StudyReader reader = StudyReaders.open(StudyFixtures.study(name))) {
                List<float[]> got = new ArrayList<>();
                reader.selectedRows(wanted, chunk).forEachRemaining(b -> {
                    assertThat(b.rows()).isBetween(1, chunk);
                    assertThat(b.cols()).isEqualTo(reader.geneCount());
                    for (int r = 0; r < b.rows(); r++) {
                        got.add(b.denseRow(r));
                    }
                });
                assertThat(got).hasSize(wanted.length);
                for (int i = 0; i < wanted.length; i++) {
                    assertThat(got.get(i))
                            .as("row %d in blocks of %d", wanted[i], chunk)
                            .containsExactly(expected[wanted[i]]);
                }
            }
        }
    }

    @Test
    void selectedRowsRefuseUnorderedOrOutOfRangeRows() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("csr_float32.h5ad"))) {
            assertThatThrownBy(() -> reader.selectedRows(new int[] {3, 3}, 4))
                    .hasMessageContaining("rows must increase strictly");
            assertThatThrownBy(() -> reader.selectedRows(new int[] {40}, 4)).hasMessageContaining("[0, 40)");
        }
    }

    @Test
    void keepsOnlyGeneExpressionFeaturesOfA10xH5() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("with_antibody.h5"))) {
            assertThat(reader.geneCount()).isEqualTo(33);
            assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
            assertThat(reader.varColumn("feature_types")).containsOnly("Gene Expression");
            assertThat(readAll(reader, 9)).isDeepEqualTo(StudyFixtures.expected("counts.npy"));
        }
    }

    @Test
    void keepsOnlyGeneExpressionFeaturesOfA10xFolder(@TempDir Path tmp) throws IOException {
        // tenx_v2's matrix plus an antibody feature (feature 34) with counts in every cell.
        Path folder = Files.createDirectory(tmp.resolve("with-antibody"));
        List<String> mtx = new ArrayList<>(Files.readAllLines(StudyFixtures.study("tenx_v2/matrix.mtx")));
        int size = mtx.indexOf(
                mtx.stream().filter(l -> !l.startsWith("%")).findFirst().orElseThrow());
        String[] dims = mtx.get(size).split(" ");
        mtx.set(size, "34 " + dims[1] + " " + (Integer.parseInt(dims[2]) + 40));
        for (int cell = 1; cell <= 40; cell++) {
            mtx.add("34 " + cell + " " + (500 + cell));
        }
        Files.write(folder.resolve("matrix.mtx"), mtx);
        List<String> features = new ArrayList<>();
        for (String line : Files.readAllLines(StudyFixtures.study("tenx_v2/genes.tsv"))) {
            features.add(line + "\tGene Expression");
        }
        features.add("CD3_TotalSeqB\tCD3\tAntibody Capture");
        Files.write(folder.resolve("features.tsv"), features);
        Files.copy(StudyFixtures.study("tenx_v2/barcodes.tsv"), folder.resolve("barcodes.tsv"));
        try (StudyReader reader = StudyReaders.open(folder)) {
            assertThat(reader.geneCount()).isEqualTo(33);
            assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
            assertThat(readAll(reader, 40)).isDeepEqualTo(StudyFixtures.expected("counts.npy"));
        }
    }

    @Test
    void transposesCscAcrossManySmallSlices() {
        float[][] expected = StudyFixtures.expected("counts.npy");
        for (int slice : new int[] {1, 7, 64}) {
            try (StudyReader reader = new H5adReader(StudyFixtures.study("csc_float64.h5ad"), slice)) {
                assertThat(readAll(reader, 11)).isDeepEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csr_float32.h5ad", "csc_float64.h5ad", "dense_int32.h5ad", "tenx_v2", "with_antibody.h5"})
    void resumesFromAGivenRow(String name) {
        float[][] expected = StudyFixtures.expected("counts.npy");
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study(name))) {
            List<float[]> rows = new ArrayList<>();
            reader.batches(6, 13).forEachRemaining(b -> {
                for (int r = 0; r < b.rows(); r++) {
                    rows.add(b.denseRow(r));
                }
            });
            assertThat(rows).hasSize(27);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i)).isEqualTo(expected[13 + i]);
            }
            assertThat(reader.batches(6, 40).hasNext()).isFalse();
            assertThatThrownBy(() -> reader.batches(6, 41)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPassCanBeRepeatedOnTheSameReader() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("tenx_v2"))) {
            assertThat(readAll(reader, 16)).isDeepEqualTo(readAll(reader, 3));
        }
    }

    @Test
    void readsGeneSymbolsFromRawVarWhenCountsComeFromRawX() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("raw_x.h5ad"))) {
            assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
            assertThat(reader.varColumn("feature_type")).containsOnly("Gene Expression");
        }
    }

    @Test
    void decodesCurrentCategoricalBooleanNumericAndNullableObsColumns() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("csr_float32.h5ad"))) {
            assertThat(reader.obsColumnNames())
                    .containsExactly("label", "donor", "n_reads", "doublet", "score", "n_umi");
            assertThat(reader.obsColumn("label")).isEqualTo(LABELS);
            assertThat(reader.obsColumn("donor")).isEqualTo(DONORS);
            assertThat(reader.obsColumn("n_reads"))
                    .isEqualTo(IntStream.range(0, 40)
                            .mapToObj(i -> Integer.toString(i * 10))
                            .toList());
            assertThat(reader.obsColumn("doublet"))
                    .isEqualTo(IntStream.range(0, 40)
                            .mapToObj(i -> i % 5 == 0 ? "True" : "False")
                            .toList());
            assertThat(reader.obsColumn("score"))
                    .isEqualTo(IntStream.range(0, 40)
                            .mapToObj(i -> i % 4 == 1 ? "" : Double.toString(i / 4.0))
                            .toList());
            assertThat(reader.obsColumn("n_umi"))
                    .isEqualTo(IntStream.range(0, 40)
                            .mapToObj(i -> i % 6 == 2 ? "" : Integer.toString(i))
                            .toList());
            assertThat(reader.varColumnNames()).containsExactly("feature_type");
            assertThat(reader.geneIds()).isEmpty();
        }
    }

    @Test
    void decodesAnndata07CategoricalsWhoseCategoriesAreAnAttributeReference() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("old_categorical_ref.h5ad"))) {
            assertThat(reader.obsColumnNames()).containsExactly("label", "donor");
            assertThat(reader.obsColumn("label")).isEqualTo(LABELS);
            assertThat(reader.obsColumn("donor")).isEqualTo(DONORS);
            assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
        }
    }

    @Test
    void decodesPre07CompoundObsWithCategoriesInUns() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("old_categorical_uns.h5ad"))) {
            assertThat(reader.obsColumnNames()).containsExactlyInAnyOrder("label", "donor");
            assertThat(reader.obsColumn("label")).isEqualTo(LABELS);
            assertThat(reader.obsColumn("donor")).isEqualTo(DONORS);
            assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
        }
    }

    @Test
    void exposesEnsemblIdsAndSymbolColumnsOfEveryFormat() {
        List<String> ids = IntStream.range(0, 33)
                .mapToObj(i -> String.format("ENSG%011d", 900000 + i))
                .toList();
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("ensembl_index.h5ad"))) {
            assertThat(reader.geneSymbols()).isEqualTo(ids);
            assertThat(reader.geneIds()).contains(ids);
            assertThat(reader.varColumn("gene_symbols")).isEqualTo(StudyFixtures.studyGenes());
        }
        for (String tenx : List.of("tenx_v3", "tenx_v2", "filtered_feature_bc_matrix.h5")) {
            try (StudyReader reader = StudyReaders.open(StudyFixtures.study(tenx))) {
                assertThat(reader.geneSymbols()).isEqualTo(StudyFixtures.studyGenes());
                assertThat(reader.geneIds()).contains(ids);
                assertThat(reader.varColumn("gene_ids")).isEqualTo(ids);
                assertThat(reader.obsColumnNames()).isEmpty();
            }
        }
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("filtered_feature_bc_matrix.h5"))) {
            assertThat(reader.varColumn("feature_types")).containsOnly("Gene Expression");
        }
    }

    @Test
    void detectsFormatsAndRejectsAnythingElse(@TempDir Path tmp) throws IOException {
        assertThat(StudyReaders.detect(StudyFixtures.study("csr_float32.h5ad"))).isEqualTo(StudyFormat.H5AD);
        assertThat(StudyReaders.detect(StudyFixtures.study("tenx_v3"))).isEqualTo(StudyFormat.TENX_MTX);
        assertThat(StudyReaders.detect(StudyFixtures.study("filtered_feature_bc_matrix.h5")))
                .isEqualTo(StudyFormat.TENX_H5);
        Path anndataAsH5 = Files.copy(StudyFixtures.study("csr_float32.h5ad"), tmp.resolve("study.h5"));
        assertThat(StudyReaders.detect(anndataAsH5)).isEqualTo(StudyFormat.H5AD);
        try (StudyReader reader = StudyReaders.open(anndataAsH5)) {
            assertThat(readAll(reader, 40)).isDeepEqualTo(StudyFixtures.expected("counts.npy"));
        }
        Path csv = Files.writeString(tmp.resolve("counts.csv"), "a,b\n");
        assertThatThrownBy(() -> StudyReaders.open(csv))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("unrecognised format");
        Path folder = Files.createDirectory(tmp.resolve("empty-folder"));
        assertThatThrownBy(() -> StudyReaders.open(folder))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("not a 10x folder");
        assertThatThrownBy(() -> StudyReaders.open(tmp.resolve("absent.h5ad")))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining("does not exist");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "negative.h5ad, 9, GENE05, a negative value -3.0",
        "nan_dense.h5ad, 12, GENE06, NaN",
        "inf_csc.h5ad, 14, GENE08, an infinite value Infinity",
    })
    void rejectsBadCountsNamingFileCellGeneAndValue(String name, int row, String gene, String what) {
        Path file = StudyFixtures.study(name);
        try (StudyReader reader = StudyReaders.open(file)) {
            assertThatThrownBy(() -> drain(reader))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("X holds " + what)
                    .hasMessageContaining("cell '" + CELLS.get(row) + "' (row " + row + ")")
                    .hasMessageContaining("gene '" + gene + "' (column "
                            + StudyFixtures.studyGenes().indexOf(gene) + ")");
        }
    }

    @Test
    void rejectsNormalisedXWhenNoCountsLayerExists() {
        Path file = StudyFixtures.study("normalised_x.h5ad");
        float[] row0 = StudyFixtures.expected("counts.npy")[0];
        int firstGene = IntStream.range(0, row0.length)
                .filter(c -> row0[c] != 0)
                .findFirst()
                .orElseThrow();
        try (StudyReader reader = StudyReaders.open(file)) {
            assertThat(reader.countsLocation()).isEqualTo("X");
            assertThatThrownBy(() -> drain(reader))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("X holds a non-integer value ")
                    .hasMessageContaining("cell 'CELL000-1' (row 0), gene '"
                            + StudyFixtures.studyGenes().get(firstGene) + "' (column " + firstGene + ")")
                    .hasMessageContaining("looks normalised");
        }
    }

    /** The {@code index}-th entry line of a Matrix Market file, as {row, col, value} strings. */
    private static String[] mtxEntry(Path mtx, int index) throws IOException {
        List<String> entries = new ArrayList<>(Files.readAllLines(mtx));
        entries.removeIf(l -> l.startsWith("%"));
        return entries.get(1 + index).trim().split("\\s+");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tenx_negative, 17, a negative value -", "tenx_non_integer, 23, a non-integer value "})
    void rejectsBadMatrixMarketEntriesNamingFileCellGeneAndValue(String folder, int entry, String what)
            throws IOException {
        Path mtx = StudyFixtures.study(folder + "/matrix.mtx");
        String[] e = mtxEntry(mtx, entry);
        int gene = Integer.parseInt(e[0]) - 1;
        int cell = Integer.parseInt(e[1]) - 1;
        double value = Double.parseDouble(e[2]);
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study(folder))) {
            assertThatThrownBy(() -> drain(reader))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining(mtx.toString())
                    .hasMessageContaining(what)
                    .hasMessageContaining(" " + value + " at cell '" + CELLS.get(cell) + "' (row " + cell + ")")
                    .hasMessageContaining("gene '" + StudyFixtures.studyGenes().get(gene) + "' (column " + gene + ")");
        }
    }

    @Test
    void rejectsATruncatedMatrixMarketFile() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("tenx_truncated"))) {
            assertThatThrownBy(() -> drain(reader))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining(
                            StudyFixtures.study("tenx_truncated/matrix.mtx").toString())
                    .hasMessageContaining("declares 460 entries but ends after 450; the file is truncated");
        }
    }

    @Test
    void rejectsATruncatedGzipStream(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectory(tmp.resolve("cut"));
        for (String f : List.of("features.tsv.gz", "barcodes.tsv.gz")) {
            Files.copy(StudyFixtures.study("tenx_v3/" + f), folder.resolve(f));
        }
        byte[] gz = Files.readAllBytes(StudyFixtures.study("tenx_v3/matrix.mtx.gz"));
        try (OutputStream out = Files.newOutputStream(folder.resolve("matrix.mtx.gz"))) {
            out.write(gz, 0, gz.length / 2);
        }
        // Depending on where the stream breaks, opening (header) or reading (entries) fails.
        assertThatThrownBy(() -> {
                    try (StudyReader reader = StudyReaders.open(folder)) {
                        drain(reader);
                    }
                })
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(folder.resolve("matrix.mtx.gz").toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsBarcodesThatDoNotMatchTheMatrix() {
        Path folder = StudyFixtures.study("tenx_barcodes_mismatch");
        assertThatThrownBy(() -> StudyReaders.open(folder))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("barcodes.tsv has 39 barcodes but matrix.mtx declares 40 cells");
    }

    @Test
    void rejectsATruncatedHdf5File() {
        Path file = StudyFixtures.study("truncated.h5ad");
        assertThatThrownBy(() -> {
                    try (StudyReader reader = StudyReaders.open(file)) {
                        drain(reader);
                    }
                })
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated or corrupt");
    }

    @Test
    void rejectsObsThatDisagreesWithTheMatrix() {
        Path file = StudyFixtures.study("obs_mismatch.h5ad");
        assertThatThrownBy(() -> StudyReaders.open(file))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("X has 40 rows but obs has 39 cells");
    }

    @Test
    void rejectsAnEmptyMatrix() {
        Path file = StudyFixtures.study("empty.h5ad");
        assertThatThrownBy(() -> StudyReaders.open(file))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("X is empty (0 cells x 33 genes)");
    }
}
