package org.liveatlas.core.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.encoder.internal.SparseFirstLayer;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.ModelFolder;

/**
 * SCimilarity's encoder in eval mode on DJL's PyTorch engine: cells in, unit embeddings out.
 *
 * <p>Cells are processed in batches of {@link EncoderOptions#batchSize()}. The first Linear layer is
 * computed either densely in PyTorch or, for sparse batches on the CPU, as a sparse x dense product
 * in Java; both give the same embedding within 1e-5. Calls to {@link #embed} are serialised (one
 * batch at a time uses all configured threads). Close it to free the native memory.
 */
public final class ScimilarityEncoder implements Embedder {

    private final List<String> geneOrder;
    private final EncoderOptions options;
    private final Device device;
    private final NDManager manager;
    private final ScimilarityNetwork network;
    private final ParameterStore parameterStore;
    private final SparseFirstLayer sparse;
    private final ExecutorService pool;
    private final int nGenes;
    private final int latent;

    private ScimilarityEncoder(ModelFolder model, EncoderOptions options) {
        this.geneOrder = model.geneOrder();
        this.options = options;
        this.device = PyTorchRuntime.device(options.device());
        // Intra-op threads are global to the JVM in PyTorch; set them to what this encoder was given.
        JniUtils.setNumThreads(options.torchThreads());
        this.manager = NDManager.newBaseManager(device, PyTorchRuntime.ENGINE);
        try {
            this.network = ScimilarityNetwork.encoder(model.architecture());
            network.initialize(manager);
            network.load(model.encoder());
            this.parameterStore = new ParameterStore(manager, false);
            this.nGenes = model.architecture().nGenes();
            this.latent = model.architecture().latent();
            boolean sparseUsable = options.firstLayer() == FirstLayer.SPARSE
                    || (options.firstLayer() == FirstLayer.AUTO && !device.isGpu());
            this.sparse = sparseUsable
                    ? new SparseFirstLayer(
                            network.firstWeight(),
                            network.firstBias(),
                            nGenes,
                            model.architecture().hidden().get(0))
                    : null;
            this.pool = sparseUsable && options.threads() > 1 ? newPool(options.threads() - 1) : null;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Opens the encoder of {@code model} with {@code options}. */
    public static ScimilarityEncoder open(ModelFolder model, EncoderOptions options) {
        return new ScimilarityEncoder(model, options);
    }

    private static ExecutorService newPool(int n) {
        AtomicInteger id = new AtomicInteger();
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "encoder-sparse-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<String> geneOrder() {
        return geneOrder;
    }

    @Override
    public int latentDim() {
        return latent;
    }

    /** The device the network runs on. */
    public Device device() {
        return device;
    }

    public EncoderOptions options() {
        return options;
    }

    @Override
    public synchronized float[] embed(CsrBatch cells) {
        if (cells.cols() != nGenes) {
            throw new AtlasException("input has " + cells.cols() + " genes but the model's gene order has " + nGenes
                    + "; align the study to the model's gene order first");
        }
        int[] indptr = cells.indptr();
        int[] indices = cells.indices();
        float[] values = cells.values();
        float[] out = new float[Math.multiplyExact(cells.rows(), latent)];
        for (int r0 = 0; r0 < cells.rows(); r0 += options.batchSize()) {
            int r1 = Math.min(cells.rows(), r0 + options.batchSize());
            float[] z = useSparse(indptr, r0, r1)
                    ? embedSparse(indptr, indices, values, r0, r1)
                    : embedDense(indptr, indices, values, r0, r1);
            System.arraycopy(z, 0, out, r0 * latent, z.length);
        }
        return out;
    }

    private boolean useSparse(int[] indptr, int r0, int r1) {
        return switch (options.firstLayer()) {
            case DENSE -> false;
            case SPARSE -> true;
            case AUTO -> sparse != null
                    && (double) (indptr[r1] - indptr[r0]) / ((double) (r1 - r0) * nGenes) <= options.sparseMaxDensity();
        };
    }

    private float[] embedDense(int[] indptr, int[] indices, float[] values, int r0, int r1) {
        int rows = r1 - r0;
        float[] dense = new float[Math.multiplyExact(rows, nGenes)];
        for (int r = r0; r < r1; r++) {
            int base = (r - r0) * nGenes;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                dense[base + indices[p]] = values[p];
            }
        }
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = batch.create(FloatBuffer.wrap(dense), new Shape(rows, nGenes));
            NDList y = network.block().forward(parameterStore, new NDList(x), false);
            return y.singletonOrThrow().toFloatArray();
        }
    }

    private float[] embedSparse(int[] indptr, int[] indices, float[] values, int r0, int r1) {
        int rows = r1 - r0;
        int hidden = sparse.hidden();
        float[] h = new float[Math.multiplyExact(rows, hidden)];
        sparse.apply(indptr, indices, values, r0, r1, h, pool, options.threads());
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = batch.create(FloatBuffer.wrap(h), new Shape(rows, hidden));
            return network.forwardAfterFirstLinear(parameterStore, x).toFloatArray();
        }
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        manager.close();
    }
}
