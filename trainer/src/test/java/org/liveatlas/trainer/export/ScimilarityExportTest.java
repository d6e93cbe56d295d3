package org.liveatlas.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.encoder.DeviceOption;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.ModelFolder;

class ScimilarityExportTest {

    private static final Path GOLDEN = Path.of("src/test/resources/export/java_exported_golden.json");
    private static final Path COMMITTED = Path.of("src/test/resources/export/java_exported");

    @Test
    void anExportedFolderImportsThroughTheCoreWithIdenticalTensorsLabelsAndEmbeddings(@TempDir Path dir) {
        ModelFolder model = ExportFixture.model();
        ScimilarityExport.write(model, dir);

        ModelFolder back = ModelFolder.importScimilarity(dir);

        assertThat(back.format()).isEqualTo(ModelFolder.Format.SCIMILARITY);
        assertThat(back.geneOrder()).isEqualTo(model.geneOrder());
        assertThat(back.architecture()).isEqualTo(model.architecture());
        assertThat(back.encoder().tensors()).isEqualTo(model.encoder().tensors());
        assertThat(back.decoder().orElseThrow().tensors())
                .isEqualTo(model.decoder().orElseThrow().tensors());
        assertThat(back.labels()).isEqualTo(model.labels());
        float[][] x = randomInput(25, model.geneOrder().size(), 3);
        assertThat(embed(back, x)).isEqualTo(embed(model, x));
    }

    @Test
    void theCommittedExportIsWhatTheWriterProducesToday(@TempDir Path dir) throws Exception {
        ScimilarityExport.write(ExportFixture.model(), dir);
        for (String f : List.of(
                ModelFolder.ENCODER_CKPT,
                ModelFolder.DECODER_CKPT,
                ModelFolder.LAYER_SIZES,
                ModelFolder.GENE_ORDER,
                ModelFolder.LABEL_INTS)) {
            assertThat(Files.readAllBytes(dir.resolve(f)))
                    .as(f + " (regenerate with ExportFixture, see its javadoc)")
                    .isEqualTo(Files.readAllBytes(COMMITTED.resolve(f)));
        }
    }

    @Test
    void pyTorchLoadingTheJavaExportWithScimilaritysEncoderComputesTheSameEmbeddings() throws Exception {
        // golden: src/test/python/check_java_export.py torch.load()s the committed export, loads it into
        // SCimilarity's Encoder (strict load_state_dict) and embeds its own input in eval mode
        JsonNode golden = new ObjectMapper().readTree(GOLDEN.toFile());
        float[][] x = matrix(golden.get("input_dense"));
        float[][] expected = matrix(golden.get("expected_embeddings"));
        assertThat(golden.get("decoder_loaded").asBoolean()).isTrue();

        float[][] actual = embed(ModelFolder.importScimilarity(COMMITTED), x);
        float[][] inMemory = embed(ExportFixture.model(), x);

        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).isCloseTo(expected[i][j], within(1e-5f));
                assertThat(inMemory[i][j]).isCloseTo(expected[i][j], within(1e-5f));
            }
        }
    }

    private static float[][] embed(ModelFolder model, float[][] dense) {
        int n = dense.length;
        int g = dense[0].length;
        int[] indptr = new int[n + 1];
        java.util.List<Integer> idx = new java.util.ArrayList<>();
        java.util.List<Float> val = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < g; j++) {
                if (dense[i][j] != 0f) {
                    idx.add(j);
                    val.add(dense[i][j]);
                }
            }
            indptr[i + 1] = idx.size();
        }
        float[] values = new float[val.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = val.get(i);
        }
        CsrBatch batch = new CsrBatch(
                n, g, indptr, idx.stream().mapToInt(Integer::intValue).toArray(), values);
        try (ScimilarityEncoder enc = ScimilarityEncoder.open(
                model, EncoderOptions.defaults().withDevice(DeviceOption.CPU).withThreads(1))) {
            float[] flat = enc.embed(batch);
            int d = enc.latentDim();
            float[][] out = new float[n][d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * d, out[i], 0, d);
            }
            return out;
        }
    }

    private static float[][] randomInput(int n, int g, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][g];
        for (float[] row : x) {
            for (int j = 0; j < g; j++) {
                row[j] = r.nextDouble() < 0.3 ? (float) Math.log1p(r.nextInt(20)) : 0f;
            }
        }
        return x;
    }

    private static float[][] matrix(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            out[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = (float) row.get(j).asDouble();
            }
        }
        return out;
    }
}
