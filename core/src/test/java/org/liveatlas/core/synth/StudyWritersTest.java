package org.liveatlas.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.api.Node;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.matrix.CsrBatch;

class StudyWritersTest {

    private static final SyntheticStudy STUDY =
            new SyntheticStudyGenerator(SynthConfig.defaults(21, 2, 150, 120)).study(1);

    @TempDir
    Path tmp;

    private static String attr(Node node, String name) {
        Object v = node.getAttribute(name).getData();
        return v instanceof String s ? s : String.valueOf(v);
    }

    @Test
    void h5adHoldsCountsAsCsrInXAndTheCountsLayer() throws IOException {
        Path file = tmp.resolve("s.h5ad");
        H5adWriter.write(file, STUDY);

        try (HdfFile h = new HdfFile(file)) {
            assertThat(attr(h, "encoding-type")).isEqualTo("anndata");
            for (String group : List.of("X", "layers/counts")) {
                Node g = h.getByPath(group);
                assertThat(attr(g, "encoding-type")).isEqualTo("csr_matrix");
                assertThat((long[]) g.getAttribute("shape").getData()).containsExactly(150L, 120L);
                CsrBatch read = new CsrBatch(
                        150,
                        120,
                        (int[]) h.getDatasetByPath(group + "/indptr").getData(),
                        (int[]) h.getDatasetByPath(group + "/indices").getData(),
                        (float[]) h.getDatasetByPath(group + "/data").getData());
                assertThat(read).isEqualTo(STUDY.counts());
            }
        }
    }

    @Test
    void h5adHoldsObsAndVarDataframesWithStringColumns() throws IOException {
        Path file = tmp.resolve("s.h5ad");
        H5adWriter.write(file, STUDY);

        try (HdfFile h = new HdfFile(file)) {
            Node obs = h.getByPath("obs");
            assertThat(attr(obs, "encoding-type")).isEqualTo("dataframe");
            assertThat(attr(obs, "_index")).isEqualTo("_index");
            assertThat((String[]) obs.getAttribute("column-order").getData())
                    .containsExactly("cell_type", "cell_type_ontology_term_id", "donor_id", "sample", "study");
            assertThat((String[]) h.getDatasetByPath("obs/_index").getData())
                    .containsExactlyElementsOf(STUDY.cellIds());
            for (Map.Entry<String, List<String>> col : STUDY.obs().entrySet()) {
                assertThat(attr(h.getByPath("obs/" + col.getKey()), "encoding-type"))
                        .isEqualTo("string-array");
                assertThat((String[]) h.getDatasetByPath("obs/" + col.getKey()).getData())
                        .containsExactlyElementsOf(col.getValue());
            }
            assertThat((String[]) h.getDatasetByPath("var/_index").getData())
                    .containsExactlyElementsOf(STUDY.genes().symbols());
            assertThat((String[]) h.getDatasetByPath("var/gene_ids").getData())
                    .containsExactlyElementsOf(STUDY.genes().ids());
        }
    }

    @Test
    void tenxH5IsReadBackByTheCoreReaderWithTheSameCountsGenesAndBarcodes() {
        Path file = tmp.resolve("filtered_feature_bc_matrix.h5");
        TenxH5Writer.write(file, STUDY);

        assertThat(org.liveatlas.core.io.StudyReaders.detect(file))
                .isEqualTo(org.liveatlas.core.io.StudyFormat.TENX_H5);
        try (org.liveatlas.core.io.StudyReader r = org.liveatlas.core.io.StudyReaders.open(file)) {
            assertThat(r.cellIds()).containsExactlyElementsOf(STUDY.cellIds());
            assertThat(r.geneSymbols()).containsExactlyElementsOf(STUDY.genes().symbols());
            assertThat(r.geneIds()).contains(STUDY.genes().ids());
            List<Float> read = new ArrayList<>();
            r.batches(64).forEachRemaining(b -> {
                for (float v : b.toDense()) {
                    read.add(v);
                }
            });
            List<Float> expected = new ArrayList<>();
            for (float v : STUDY.counts().toDense()) {
                expected.add(v);
            }
            assertThat(read).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void tenxH5RejectsNonIntegerCounts() {
        CsrBatch fractional = new CsrBatch(1, 2, new int[] {0, 1}, new int[] {1}, new float[] {0.5f});
        assertThatThrownBy(() -> TenxH5Writer.write(
                        tmp.resolve("x.h5"), fractional, List.of("c1"), List.of("g1", "g2"), List.of("A", "B")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.5")
                .hasMessageContaining("raw UMI counts");
    }

    @Test
    void tenxFolderHoldsTheSameCountsGenesAndBarcodes() throws IOException {
        Path dir = tmp.resolve("tenx");
        TenxWriter.write(dir, STUDY);

        List<String> mtx = gunzip(dir.resolve(TenxWriter.MATRIX));
        assertThat(mtx.get(0)).isEqualTo("%%MatrixMarket matrix coordinate integer general");
        String[] dims = mtx.get(1).split(" ");
        assertThat(dims)
                .containsExactly("120", "150", Integer.toString(STUDY.counts().nnz()));
        float[] dense = new float[150 * 120];
        for (String line : mtx.subList(2, mtx.size())) {
            String[] f = line.split(" ");
            int gene = Integer.parseInt(f[0]) - 1;
            int cell = Integer.parseInt(f[1]) - 1;
            dense[cell * 120 + gene] = Long.parseLong(f[2]);
        }
        assertThat(dense).containsExactly(STUDY.counts().toDense());

        List<String> features = gunzip(dir.resolve(TenxWriter.FEATURES));
        assertThat(features).hasSize(120);
        assertThat(features.get(0))
                .isEqualTo(STUDY.genes().ids().get(0) + "\t"
                        + STUDY.genes().symbols().get(0) + "\tGene Expression");
        assertThat(gunzip(dir.resolve(TenxWriter.BARCODES))).containsExactlyElementsOf(STUDY.cellIds());
    }

    @Test
    void writtenFilesAreByteForByteReproducible() throws IOException {
        H5adWriter.write(tmp.resolve("a.h5ad"), STUDY);
        H5adWriter.write(tmp.resolve("b.h5ad"), STUDY);
        TenxWriter.write(tmp.resolve("a"), STUDY);
        TenxWriter.write(tmp.resolve("b"), STUDY);

        assertThat(Files.readAllBytes(tmp.resolve("a.h5ad"))).isEqualTo(Files.readAllBytes(tmp.resolve("b.h5ad")));
        for (String f : List.of(TenxWriter.MATRIX, TenxWriter.FEATURES, TenxWriter.BARCODES)) {
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f)))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
        }
    }

    @Test
    void tenxRejectsNonIntegerCounts() {
        CsrBatch m = new CsrBatch(1, 1, new int[] {0, 1}, new int[] {0}, new float[] {1.5f});

        assertThatThrownBy(() -> TenxWriter.write(tmp.resolve("bad"), m, List.of("c"), List.of("g"), List.of("G")))
                .hasMessageContaining("1.5")
                .hasMessageContaining("cell 0");
    }

    @Test
    void mainWritesTheRequestedStudiesInBothFormats() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = SyntheticStudyMain.run(
                new String[] {
                    "--out",
                    tmp.toString(),
                    "--studies",
                    "2",
                    "--cells",
                    "50",
                    "--genes",
                    "80",
                    "--seed",
                    "4",
                    "--format",
                    "both"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);

        assertThat(rc).isZero();
        assertThat(tmp.resolve("synth01.h5ad")).isRegularFile();
        assertThat(tmp.resolve("synth02").resolve(TenxWriter.MATRIX)).isRegularFile();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("synth02: 50 cells x 80 genes");
    }

    @Test
    void mainRejectsBadArgumentsWithStatusTwo() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(SyntheticStudyMain.run(new String[] {"--studies", "2"}, quiet, quiet))
                .isEqualTo(2);
        assertThat(SyntheticStudyMain.run(new String[] {"--out", "x", "--format", "loom"}, quiet, quiet))
                .isEqualTo(2);
        assertThat(SyntheticStudyMain.run(new String[] {"--out", "x", "--colour", "red"}, quiet, quiet))
                .isEqualTo(2);
    }

    private static List<String> gunzip(Path p) throws IOException {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(p)), StandardCharsets.UTF_8))) {
            return new ArrayList<>(r.lines().toList());
        }
    }

    @Test
    void rejectsMismatchedAnnotations() {
        assertThatThrownBy(() -> H5adWriter.write(
                        tmp.resolve("x.h5ad"),
                        STUDY.counts(),
                        STUDY.cellIds().subList(0, 3),
                        Map.of(),
                        STUDY.genes().symbols(),
                        Map.of()))
                .hasMessageContaining("obs index has 3 entries, need 150");
    }
}
