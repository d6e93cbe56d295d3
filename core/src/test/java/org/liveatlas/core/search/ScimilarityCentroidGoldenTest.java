package org.liveatlas.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.encoder.DeviceOption;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.ModelFixtures;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.norm.LogNormalizer;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.core.synth.H5adWriter;

/**
 * Golden parity with SCimilarity's centroid search and signature selection, against the fixtures of
 * {@code core/src/test/python/make_centroid_fixtures.py} (get_centroid over aligned counts, the
 * embedding of that profile by the small fixture model, scanpy's score_genes with its sampled
 * control genes, the quantile threshold and the cells it selects).
 */
class ScimilarityCentroidGoldenTest {
    private static final double TOL = 1e-5;

    private static JsonNode centroid;
    private static JsonNode wide;
    private static ModelFolder model;

    @TempDir
    static Path tmp;

    /** The upload's cells after alignment and lognorm, read through the core's study pipeline. */
    private static List<PreparedChunk> chunks;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in =
                ScimilarityCentroidGoldenTest.class.getResourceAsStream("/search/scimilarity_centroid_golden.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            centroid = root.get("centroid");
            wide = root.get("wide_scoring");
        }
        model = ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder());
        Path h5ad = tmp.resolve("upload.h5ad");
        List<String> genes = strings(centroid.get("data_genes"));
        List<String> cells = strings(centroid.get("cell_ids"));
        H5adWriter.write(
                h5ad,
                csr(centroid.get("counts")),
                cells,
                Map.of("cell_id", cells),
                genes,
                Map.of("gene_symbols", genes));
        StudyPreprocessor prep = new StudyPreprocessor(
                model.geneOrder(),
                PreprocessOptions.DEFAULT
                        .withChunkRows(10)
                        .withQc(QcThresholds.PERMISSIVE)
                        .withAlign(AlignOptions.DEFAULT.withMinSharedGenes(100)));
        chunks = new ArrayList<>();
        try (PreparedStudy study = prep.open("golden", h5ad).keepCounts()) {
            study.forEachRemaining(chunks::add);
        }
    }

    @Test
    void summedCountsCentroidMatchesGetCentroidAndItsEmbedding() {
        Set<String> query = new HashSet<>(strings(centroid.get("query_cells")));
        CountsCentroid c = centroidOf(query);

        assertThat(c.cells()).isEqualTo(query.size());
        assertClose(c.summedCounts().denseRow(0), centroid.get("query_summed_counts"));
        assertClose(c.profile().denseRow(0), centroid.get("query_profile"));
        try (ScimilarityEncoder encoder = encoder()) {
            assertClose(c.embed(encoder), centroid.get("query_embedding"));
        }
    }

    @Test
    void signatureScoresControlsAndSelectionMatchScoreGenesAndTheQuantile() {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < model.geneOrder().size(); i++) {
            position.put(model.geneOrder().get(i), i);
        }
        int[] columns = strings(centroid.get("signature")).stream()
                .filter(position::containsKey)
                .mapToInt(position::get)
                .toArray();
        GeneSignatureScore.GeneMeans means =
                new GeneSignatureScore.GeneMeans(model.geneOrder().size());
        chunks.forEach(ch -> means.add(ch.expression()));
        GeneSignatureScore score = GeneSignatureScore.plan(columns, means.means());

        assertThat(score.signatureColumns())
                .hasSize(centroid.get("signature_genes_used").size());
        // the 60 genes missing from the upload form one tied bin larger than ctrl_size: sampled controls
        assertThat(score.controlColumns()).containsExactly(ints(centroid.get("signature_control_columns")));

        List<String> ids = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (PreparedChunk ch : chunks) {
            ids.addAll(ch.cellIds());
            for (double s : score.score(ch.expression())) {
                all.add(s);
            }
        }
        double[] scores = all.stream().mapToDouble(Double::doubleValue).toArray();
        assertThat(ids).containsExactlyElementsOf(strings(centroid.get("cell_ids")));
        assertClose(scores, centroid.get("signature_scores"));

        double threshold =
                GeneSignatureScore.quantile(scores, centroid.get("quantile").asDouble());
        assertThat(threshold).isCloseTo(centroid.get("threshold").asDouble(), within(TOL));
        List<String> selected = new ArrayList<>();
        for (int i : GeneSignatureScore.selectAtLeast(scores, threshold)) {
            selected.add(ids.get(i));
        }
        assertThat(selected).containsExactlyElementsOf(strings(centroid.get("selected_cells")));

        CountsCentroid c = centroidOf(new HashSet<>(selected));
        assertClose(c.profile().denseRow(0), centroid.get("selected_profile"));
        try (ScimilarityEncoder encoder = encoder()) {
            assertClose(c.embed(encoder), centroid.get("selected_embedding"));
        }
    }

    @Test
    void controlGenesDrawnFromSeveralLargeBinsMatchScanpy() {
        CsrBatch lognorm = LogNormalizer.lognorm(csr(wide.get("counts")));
        List<String> genes = strings(wide.get("genes"));
        int[] columns =
                strings(wide.get("signature")).stream().mapToInt(genes::indexOf).toArray();
        GeneSignatureScore.GeneMeans means = new GeneSignatureScore.GeneMeans(genes.size());
        means.add(lognorm);

        GeneSignatureScore score = GeneSignatureScore.plan(columns, means.means());

        assertThat(score.controlColumns()).containsExactly(ints(wide.get("signature_control_columns")));
        double[] scores = score.score(lognorm);
        assertClose(scores, wide.get("signature_scores"));
        double threshold = GeneSignatureScore.quantile(scores, GeneSignatureScore.SCIMILARITY_QUANTILE);
        assertThat(threshold).isCloseTo(wide.get("threshold_0999").asDouble(), within(TOL));
        assertThat(GeneSignatureScore.selectAtLeast(scores, threshold))
                .containsExactly(ints(wide.get("selected_0999")));
    }

    @Test
    void legacyRandomStateIsNumpysSeededStream() {
        // np.random.RandomState(0)._bit_generator.random_raw(3) and RandomState(0).permutation(10)
        LegacyRandomState r = new LegacyRandomState(0);
        assertThat(new long[] {r.nextUint32(), r.nextUint32(), r.nextUint32()})
                .containsExactly(2357136044L, 2546248239L, 3071714933L);
        assertThat(new LegacyRandomState(0).permutation(10)).containsExactly(2, 8, 4, 9, 1, 6, 7, 3, 0, 5);
        assertThat(new LegacyRandomState(12345).permutation(70)).startsWith(65, 61, 63, 45, 52);
    }

    @Test
    void quantileInterpolatesLikePandas() {
        double[] v = {4, 1, 3, 2};
        assertThat(GeneSignatureScore.quantile(v, 0.5)).isEqualTo(2.5);
        assertThat(GeneSignatureScore.quantile(v, 1.0)).isEqualTo(4.0);
        assertThat(GeneSignatureScore.quantile(v, 0.0)).isEqualTo(1.0);
        assertThat(GeneSignatureScore.quantile(v, 0.9)).isCloseTo(3.7, within(1e-12));
    }

    private static CountsCentroid centroidOf(Set<String> cells) {
        CountsCentroid c = new CountsCentroid(model.geneOrder().size());
        for (PreparedChunk ch : chunks) {
            boolean[] rows = new boolean[ch.cells()];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = cells.contains(ch.cellIds().get(r));
            }
            c.add(ch.counts(), rows);
        }
        return c;
    }

    private static ScimilarityEncoder encoder() {
        return ScimilarityEncoder.open(
                model, EncoderOptions.defaults().withDevice(DeviceOption.CPU).withThreads(2));
    }

    private static void assertClose(float[] actual, JsonNode want) {
        assertThat(actual).hasSize(want.size());
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i])
                    .as("element %d", i)
                    .isCloseTo(want.get(i).asDouble(), within(TOL));
        }
    }

    private static void assertClose(double[] actual, JsonNode want) {
        assertThat(actual).hasSize(want.size());
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(want.get(i).asDouble(), within(TOL));
        }
    }

    private static CsrBatch csr(JsonNode m) {
        float[] values = new float[m.get("values").size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) m.get("values").get(i).asDouble();
        }
        return new CsrBatch(
                m.get("rows").asInt(), m.get("cols").asInt(), ints(m.get("indptr")), ints(m.get("indices")), values);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asText()));
        return out;
    }
}
