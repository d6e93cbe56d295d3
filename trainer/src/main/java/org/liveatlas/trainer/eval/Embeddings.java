package org.liveatlas.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import org.liveatlas.core.encoder.DeviceOption;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.PyTorchRuntime;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.encoder.ScimilarityNetwork;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelFolderException;
import org.liveatlas.trainer.data.LabelledCells;

/** Runs a model in eval mode over labelled cells: embeddings through the core's encoder, reconstructions. */
public final class Embeddings {

    private Embeddings() {}

    /** Unit embeddings of every cell (rows), through {@link ScimilarityEncoder} on the CPU. */
    public static float[][] embed(ModelFolder model, LabelledCells cells, int threads) {
        EncoderOptions opts =
                EncoderOptions.defaults().withDevice(DeviceOption.CPU).withThreads(threads);
        try (ScimilarityEncoder enc = ScimilarityEncoder.open(model, opts)) {
            float[] flat = enc.embed(cells.expression());
            int d = enc.latentDim();
            float[][] out = new float[cells.cells()][d];
            for (int i = 0; i < out.length; i++) {
                System.arraycopy(flat, i * d, out[i], 0, d);
            }
            return out;
        }
    }

    /**
     * Normalised reconstruction error {@code mean((x - x_hat)^2) / mean(x^2)} of the cells, decoder in
     * eval mode, as SCimilarity's validation {@code nmse}.
     */
    public static double nmse(ModelFolder model, LabelledCells cells, float[][] embeddings) {
        if (model.decoder().isEmpty()) {
            throw new ModelFolderException("the model has no decoder; the reconstruction error needs one");
        }
        PyTorchRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
            ScimilarityNetwork dec = ScimilarityNetwork.decoder(model.architecture());
            dec.initialize(m);
            dec.load(model.decoder().get());
            ParameterStore ps = new ParameterStore(m, false);
            int g = cells.genes().size();
            int d = model.architecture().latent();
            double se = 0;
            double sq = 0;
            int n = cells.cells();
            int batch = 512;
            for (int r0 = 0; r0 < n; r0 += batch) {
                int r1 = Math.min(n, r0 + batch);
                int[] rows = java.util.stream.IntStream.range(r0, r1).toArray();
                float[] z = new float[rows.length * d];
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(embeddings[rows[i]], 0, z, i * d, d);
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(FloatBuffer.wrap(cells.dense(rows)), new Shape(rows.length, g));
                    NDArray zt = step.create(FloatBuffer.wrap(z), new Shape(rows.length, d));
                    NDArray xHat =
                            dec.block().forward(ps, new NDList(zt), false).singletonOrThrow();
                    se += x.sub(xHat).pow(2).sum().getFloat();
                    sq += x.pow(2).sum().getFloat();
                }
            }
            return sq > 0 ? se / sq : Double.NaN;
        }
    }
}
