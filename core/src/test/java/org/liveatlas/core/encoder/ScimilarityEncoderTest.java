package org.liveatlas.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFixtures;
import org.liveatlas.core.model.ModelFolder;

class ScimilarityEncoderTest {

    private static final double TOLERANCE = 1e-5;

    private static ModelFolder model;
    private static CsrBatch input;
    private static float[] expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadFixtures() {
        model = ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder());
        input = ModelFixtures.input();
        expected = ModelFixtures.expectedEmbeddings();
    }

    private static EncoderOptions options(FirstLayer firstLayer) {
        return EncoderOptions.defaults()
                .withDevice(DeviceOption.CPU)
                .withFirstLayer(firstLayer)
                .withThreads(2);
    }

    private static float[] embed(ModelFolder m, EncoderOptions o, CsrBatch cells) {
        try (ScimilarityEncoder encoder = ScimilarityEncoder.open(m, o)) {
            return encoder.embed(cells);
        }
    }

    private static void assertClose(float[] actual, float[] want) {
        assertThat(actual).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(want[i], within(TOLERANCE));
        }
    }

    @Test
    void denseFirstLayerMatchesPyTorchEvalModeWithin1e5() {
        assertClose(embed(model, options(FirstLayer.DENSE), input), expected);
    }

    @Test
    void sparseFirstLayerMatchesPyTorchEvalModeWithin1e5() {
        assertClose(embed(model, options(FirstLayer.SPARSE), input), expected);
    }

    @Test
    void autoChoosesAPathThatMatchesPyTorch() {
        assertClose(embed(model, options(FirstLayer.AUTO), input), expected);
        assertClose(embed(model, options(FirstLayer.AUTO).withSparseMaxDensity(0), input), expected);
    }

    @Test
    void batchSizeDoesNotChangeEmbeddings() {
        assertClose(embed(model, options(FirstLayer.SPARSE).withBatchSize(7), input), expected);
        assertClose(
                embed(
                        model,
                        options(FirstLayer.DENSE)
                                .withBatchSize(7)
                                .withThreads(1)
                                .withTorchThreads(2),
                        input),
                expected);
    }

    @Test
    void embeddingsAreUnitVectors() {
        float[] z = embed(model, options(FirstLayer.SPARSE), input);
        for (int r = 0; r < input.rows(); r++) {
            double s = 0;
            for (int j = 0; j < 16; j++) {
                s += z[r * 16 + j] * z[r * 16 + j];
            }
            assertThat(Math.sqrt(s)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void sparseAndDensePathsAgreeOnDenserRandomInput() {
        CsrBatch cells = randomCells(300, 300, 0.5, new Random(3));
        float[] dense = embed(model, options(FirstLayer.DENSE), cells);
        float[] sparse = embed(model, options(FirstLayer.SPARSE), cells);
        assertClose(sparse, dense);
    }

    @Test
    void cellsWithoutAnyDetectedGeneAreEmbeddedLikePyTorchDoes() {
        CsrBatch empty = new CsrBatch(3, 300, new int[4], new int[0], new float[0]);
        assertClose(embed(model, options(FirstLayer.SPARSE), empty), embed(model, options(FirstLayer.DENSE), empty));
    }

    @Test
    void registryRoundTripGivesTheSameEmbeddings() {
        Path dir = tmp.resolve("v1");
        model.save(dir, Manifest.imported("v1", "fixtures", Instant.parse("2026-01-01T00:00:00Z")));
        assertClose(embed(ModelFolder.load(dir), options(FirstLayer.SPARSE), input), expected);
    }

    @Test
    void rejectsInputWithAnotherGeneCount() {
        CsrBatch wrong = new CsrBatch(1, 299, new int[] {0, 0}, new int[0], new float[0]);
        try (ScimilarityEncoder encoder = ScimilarityEncoder.open(model, options(FirstLayer.AUTO))) {
            assertThatThrownBy(() -> encoder.embed(wrong))
                    .isInstanceOf(AtlasException.class)
                    .hasMessageContaining("input has 299 genes but the model's gene order has 300");
        }
    }

    @Test
    void autoDeviceFallsBackToCpuWithoutCuda() {
        try (ScimilarityEncoder encoder =
                ScimilarityEncoder.open(model, options(FirstLayer.AUTO).withDevice(DeviceOption.AUTO))) {
            assertThat(encoder.device().isGpu())
                    .isEqualTo(PyTorchRuntime.engine().getGpuCount() > 0);
        }
    }

    @Test
    void decoderBlockMatchesPyTorchEvalMode() {
        float[] z = ModelFixtures.expectedEmbeddings();
        float[] want = ModelFixtures.expectedDecoded();
        int n = want.length / 300;
        ScimilarityNetwork decoder = ScimilarityNetwork.decoder(model.architecture());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PyTorchRuntime.ENGINE)) {
            decoder.initialize(manager);
            decoder.load(model.decoder().orElseThrow());
            NDArray x = manager.create(Arrays.copyOf(z, n * 16), new Shape(n, 16));
            NDList y = decoder.block().forward(new ParameterStore(manager, false), new NDList(x), false);
            assertClose(y.singletonOrThrow().toFloatArray(), want);
        }
    }

    @Test
    void networkExportsTheStateDictItWasLoadedWith() {
        ScimilarityNetwork encoder = ScimilarityNetwork.encoder(model.architecture());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PyTorchRuntime.ENGINE)) {
            encoder.initialize(manager);
            encoder.load(model.encoder());
            assertThat(encoder.toStateDict()).isEqualTo(model.encoder());
        }
    }

    @Test
    void untrainedPReluSlopeStartsAtPyTorchDefault() {
        ScimilarityNetwork encoder = ScimilarityNetwork.encoder(model.architecture());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PyTorchRuntime.ENGINE)) {
            encoder.initialize(manager);
            assertThat(encoder.parameters().get("network.0.3.weight").getArray().toFloatArray())
                    .containsExactly(0.25f);
        }
    }

    static CsrBatch randomCells(int rows, int cols, double density, Random rnd) {
        int[] indptr = new int[rows + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (rnd.nextDouble() < density) {
                    idx.add(c);
                    val.add((float) Math.log1p(rnd.nextInt(20) + 1));
                }
            }
            indptr[r + 1] = idx.size();
        }
        float[] v = new float[val.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = val.get(i);
        }
        return new CsrBatch(
                rows, cols, indptr, idx.stream().mapToInt(Integer::intValue).toArray(), v);
    }
}
