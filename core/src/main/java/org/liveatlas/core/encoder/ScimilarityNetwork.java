package org.liveatlas.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.liveatlas.core.model.Architecture;
import org.liveatlas.core.model.ModelFolderException;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;

/**
 * SCimilarity's encoder or decoder as a DJL block, with a mapping from PyTorch state_dict names to
 * DJL parameters so that weights move both ways.
 *
 * <p>Encoder: per hidden layer Dropout (0.4 on the input, 0.5 after) -> Linear -> BatchNorm1d
 * (eps 1e-5, PyTorch momentum 0.1) -> PReLU; a final Linear to the latent size; L2 normalisation.
 * Decoder: the same blocks over the reversed widths, the first one without Dropout, and a final
 * Linear to the gene count, no normalisation. Forward with {@code training=false} is eval mode:
 * Dropout off, BatchNorm on its running statistics.
 */
public final class ScimilarityNetwork {

    /** Which of the two networks. */
    public enum Kind {
        ENCODER,
        DECODER
    }

    public static final float INPUT_DROPOUT = 0.4f;
    public static final float DROPOUT = 0.5f;
    public static final float BATCH_NORM_EPS = 1e-5f;
    // DJL's momentum weighs the old running value: 0.9 here is PyTorch's momentum 0.1.
    public static final float DJL_BATCH_NORM_MOMENTUM = 0.9f;
    private static final float NORMALIZE_EPS = 1e-12f;

    private final Kind kind;
    private final Architecture architecture;
    private final SequentialBlock block = new SequentialBlock();
    private final List<Linear> linears = new ArrayList<>();
    private final List<BatchNorm> norms = new ArrayList<>();
    private final List<PRelu> prelus = new ArrayList<>();
    private final List<SequentialBlock> hiddenBlocks = new ArrayList<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> batchCounters = new LinkedHashMap<>();

    private ScimilarityNetwork(Kind kind, Architecture architecture) {
        this.kind = kind;
        this.architecture = architecture;
        List<Integer> widths = kind == Kind.ENCODER ? architecture.hidden() : architecture.decoderHidden();
        for (int i = 0; i < widths.size(); i++) {
            SequentialBlock hidden = new SequentialBlock();
            boolean dropout = kind == Kind.ENCODER || i > 0;
            if (dropout) {
                float rate = kind == Kind.ENCODER && i == 0 ? INPUT_DROPOUT : DROPOUT;
                hidden.add(Dropout.builder().optRate(rate).build());
            }
            Linear linear = Linear.builder().setUnits(widths.get(i)).build();
            BatchNorm norm = BatchNorm.builder()
                    .optEpsilon(BATCH_NORM_EPS)
                    .optMomentum(DJL_BATCH_NORM_MOMENTUM)
                    .build();
            PRelu prelu = new PRelu();
            hidden.add(linear).add(norm).add(prelu);
            int at = dropout ? 1 : 0;
            String p = "network." + i + ".";
            parameters.put(p + at + ".weight", param(linear, "weight"));
            parameters.put(p + at + ".bias", param(linear, "bias"));
            parameters.put(p + (at + 1) + ".weight", param(norm, "gamma"));
            parameters.put(p + (at + 1) + ".bias", param(norm, "beta"));
            parameters.put(p + (at + 1) + ".running_mean", param(norm, "runningMean"));
            parameters.put(p + (at + 1) + ".running_var", param(norm, "runningVar"));
            parameters.put(p + (at + 2) + ".weight", prelu.alpha());
            // PyTorch counts BatchNorm updates; DJL has no such parameter. Kept to write it back.
            batchCounters.put(p + (at + 1) + ".num_batches_tracked", Tensor.ofLongs(new int[0], new long[] {0}));
            linears.add(linear);
            norms.add(norm);
            prelus.add(prelu);
            hiddenBlocks.add(hidden);
            block.add(hidden);
        }
        int outUnits = kind == Kind.ENCODER ? architecture.latent() : architecture.nGenes();
        Linear out = Linear.builder().setUnits(outUnits).build();
        String p = "network." + widths.size() + ".";
        parameters.put(p + "weight", param(out, "weight"));
        parameters.put(p + "bias", param(out, "bias"));
        linears.add(out);
        block.add(out);
        if (kind == Kind.ENCODER) {
            block.add(new LambdaBlock(l -> new NDList(l2Normalize(l.singletonOrThrow())), "l2_normalize"));
        }
    }

    /** An untrained encoder of {@code architecture} (parameters not yet initialised). */
    public static ScimilarityNetwork encoder(Architecture architecture) {
        return new ScimilarityNetwork(Kind.ENCODER, architecture);
    }

    /** An untrained decoder of {@code architecture} (parameters not yet initialised). */
    public static ScimilarityNetwork decoder(Architecture architecture) {
        return new ScimilarityNetwork(Kind.DECODER, architecture);
    }

    private static Parameter param(Block b, String name) {
        Parameter p = b.getParameters().get(name);
        if (p == null) {
            throw new IllegalStateException(b + " has no parameter " + name);
        }
        return p;
    }

    /** {@code F.normalize(x, p=2, dim=1)}: rows divided by max(L2 norm, 1e-12). */
    static NDArray l2Normalize(NDArray x) {
        return x.div(x.norm(new int[] {1}, true).maximum(NORMALIZE_EPS));
    }

    public Kind kind() {
        return kind;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** The whole network as one DJL block, for inference or a DJL {@code Trainer}. */
    public SequentialBlock block() {
        return block;
    }

    /** DJL parameters by PyTorch state_dict name. */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Initialises every parameter on {@code manager} (random weights, as DJL's defaults). */
    public void initialize(NDManager manager) {
        int in = kind == Kind.ENCODER ? architecture.nGenes() : architecture.latent();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, in));
    }

    /** Copies the tensors of {@code dict} into the (initialised) parameters; shapes must agree. */
    public void load(StateDict dict) {
        String source = kind.name().toLowerCase(Locale.ROOT) + " state dict";
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Tensor t = dict.require(e.getKey(), source);
            NDArray array = e.getValue().getArray();
            if (!Arrays.equals(array.getShape().getShape(), toLongs(t.shape()))) {
                throw new ModelFolderException(source + ": " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", the network expects " + array.getShape());
            }
            array.set(t.floats());
        }
        for (String k : batchCounters.keySet()) {
            Tensor t = dict.tensors().get(k);
            if (t != null) {
                batchCounters.put(k, t);
            }
        }
    }

    /** The current parameters as a PyTorch-named state dict (what the trainer saves). */
    public StateDict toStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray a = e.getValue().getArray();
            int[] shape = Arrays.stream(a.getShape().getShape())
                    .mapToInt(Math::toIntExact)
                    .toArray();
            out.put(e.getKey(), Tensor.ofFloats(shape, a.toFloatArray()));
            String counter = e.getKey().replace(".running_var", ".num_batches_tracked");
            if (!counter.equals(e.getKey())) {
                out.put(counter, batchCounters.get(counter));
            }
        }
        return new StateDict(reorder(out));
    }

    private Map<String, Tensor> reorder(Map<String, Tensor> tensors) {
        Map<String, List<Integer>> order =
                kind == Kind.ENCODER ? architecture.encoderShapes() : architecture.decoderShapes();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : order.keySet()) {
            out.put(k, tensors.get(k));
        }
        return out;
    }

    /**
     * Eval-mode forward that starts after the first Linear: {@code firstLinearOutput} is the
     * pre-activation of hidden layer 0 (rows x hidden[0]); applies BatchNorm, PReLU and the rest.
     * Used by the sparse first layer, which computes that Linear outside PyTorch.
     */
    NDArray forwardAfterFirstLinear(ParameterStore ps, NDArray firstLinearOutput) {
        NDList x = new NDList(firstLinearOutput);
        x = norms.get(0).forward(ps, x, false);
        x = prelus.get(0).forward(ps, x, false);
        for (int i = 1; i < hiddenBlocks.size(); i++) {
            x = hiddenBlocks.get(i).forward(ps, x, false);
        }
        x = linears.get(linears.size() - 1).forward(ps, x, false);
        NDArray y = x.singletonOrThrow();
        return kind == Kind.ENCODER ? l2Normalize(y) : y;
    }

    /** The first Linear layer's weight ([hidden0, inputs]) and bias, as float arrays. */
    float[] firstWeight() {
        return linears.get(0).getParameters().get("weight").getArray().toFloatArray();
    }

    float[] firstBias() {
        return linears.get(0).getParameters().get("bias").getArray().toFloatArray();
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
