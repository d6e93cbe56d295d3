package org.liveatlas.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Objects;
import org.liveatlas.core.encoder.ScimilarityNetwork;
import org.liveatlas.trainer.mining.Triplets;

/**
 * SCimilarity's {@code MetricLearning} loss on DJL tensors: {@code w * triplet + (1 - w) * MSE(x, x_hat)}
 * plus an L1 penalty, scaled by the current learning rate, on the parameters {@link #l1Parameters}
 * names: the encoder's output (latent) Linear, where SCimilarity's code puts it.
 *
 * <p>With no mined triplet the batch uses the single triplet (0, 0, 0), as SCimilarity does, which
 * gives a constant triplet loss (the margin for {@link TripletDistance#EUCLIDEAN}) and no gradient.
 * Immutable and thread-safe.
 */
public final class MetricLoss {

    /** SCimilarity's triplet loss weight. */
    public static final double DEFAULT_TRIPLET_WEIGHT = 0.001;
    /** SCimilarity's margin. */
    public static final double DEFAULT_MARGIN = 0.05;
    /** SCimilarity's L1 lambda. */
    public static final double DEFAULT_L1 = 1e-4;
    /** {@code torch.nn.TripletMarginLoss}'s eps of {@code pairwise_distance}. */
    public static final float PAIRWISE_EPS = 1e-6f;

    private final double tripletWeight;
    private final double margin;
    private final double l1;
    private final TripletDistance distance;

    public MetricLoss(double tripletWeight, double margin, double l1, TripletDistance distance) {
        if (!(tripletWeight >= 0 && tripletWeight <= 1)) {
            throw new IllegalArgumentException("the triplet loss weight must be in [0, 1], got " + tripletWeight);
        }
        if (!(margin > 0) || !(l1 >= 0)) {
            throw new IllegalArgumentException("need margin > 0 and l1 >= 0, got " + margin + " and " + l1);
        }
        this.tripletWeight = tripletWeight;
        this.margin = margin;
        this.l1 = l1;
        this.distance = Objects.requireNonNull(distance, "distance");
    }

    /** SCimilarity's settings: w 0.001, margin 0.05, l1 1e-4, Euclidean triplet distance. */
    public static MetricLoss scimilarity() {
        return new MetricLoss(DEFAULT_TRIPLET_WEIGHT, DEFAULT_MARGIN, DEFAULT_L1, TripletDistance.EUCLIDEAN);
    }

    public double tripletWeight() {
        return tripletWeight;
    }

    public double margin() {
        return margin;
    }

    public double l1() {
        return l1;
    }

    public TripletDistance distance() {
        return distance;
    }

    /**
     * The encoder parameters SCimilarity's L1 penalty covers: the weight and bias of the first entry
     * of {@code Encoder.network} that is itself an {@code nn.Linear}. That list holds one
     * {@code nn.Sequential} (Dropout, Linear, BatchNorm1d, PReLU) per hidden layer and then the bare
     * output Linear, so {@code training_step}'s {@code isinstance(layer, nn.Linear)} loop (which
     * stops at its first match, whatever its comment says) reaches the latent layer, {@code
     * network.<hidden count>.weight} and {@code .bias}, and never the input Linear inside {@code
     * network.0}. Checked by executing that loop on SCimilarity's own {@code Encoder}
     * ({@code make_loss_fixtures.py}).
     *
     * @param encoder an encoder (not a decoder)
     * @return the names, weight first
     */
    public static List<String> l1ParameterNames(ScimilarityNetwork encoder) {
        if (encoder.kind() != ScimilarityNetwork.Kind.ENCODER) {
            throw new IllegalArgumentException("the L1 penalty applies to an encoder, got a " + encoder.kind());
        }
        String layer = "network." + encoder.architecture().hidden().size() + ".";
        return List.of(layer + "weight", layer + "bias");
    }

    /** The arrays of {@link #l1ParameterNames} in the (initialised) {@code encoder}, weight first. */
    public static List<NDArray> l1Parameters(ScimilarityNetwork encoder) {
        return l1ParameterNames(encoder).stream()
                .map(name -> encoder.parameters().get(name).getArray())
                .toList();
    }

    /** The per-triplet losses (not reduced). */
    public NDArray tripletLosses(NDArray embeddings, Triplets triplets) {
        NDManager m = embeddings.getManager();
        int[] a = triplets.size() == 0 ? new int[] {0} : triplets.anchors();
        int[] p = triplets.size() == 0 ? new int[] {0} : triplets.positives();
        int[] n = triplets.size() == 0 ? new int[] {0} : triplets.negatives();
        NDArray ea = embeddings.get(new NDIndex("{}", m.create(toLongs(a))));
        NDArray ep = embeddings.get(new NDIndex("{}", m.create(toLongs(p))));
        NDArray en = embeddings.get(new NDIndex("{}", m.create(toLongs(n))));
        NDArray dap;
        NDArray dan;
        if (distance == TripletDistance.EUCLIDEAN) {
            dap = ea.sub(ep).add(PAIRWISE_EPS).pow(2).sum(new int[] {1}).sqrt();
            dan = ea.sub(en).add(PAIRWISE_EPS).pow(2).sum(new int[] {1}).sqrt();
        } else {
            dap = ea.sub(ep).pow(2).sum(new int[] {1});
            dan = ea.sub(en).pow(2).sum(new int[] {1});
        }
        return dap.sub(dan).add((float) margin).maximum(0f);
    }

    /**
     * Every part of the loss for one batch.
     *
     * @param input the batch's lognorm input (cells x genes)
     * @param embeddings the encoder's output (unit rows)
     * @param reconstruction the decoder's output (cells x genes)
     * @param triplets the triplets mined on {@code embeddings}
     * @param l1Parameters the tensors under the L1 penalty (see {@link #l1Parameters}); may be empty
     * @param learningRate the current learning rate (scales the L1 penalty)
     */
    public LossParts compute(
            NDArray input,
            NDArray embeddings,
            NDArray reconstruction,
            Triplets triplets,
            List<NDArray> l1Parameters,
            double learningRate) {
        NDArray perTriplet = tripletLosses(embeddings, triplets);
        long nonZero = triplets.size() == 0 ? 0 : perTriplet.gt(0f).sum().toLongArray()[0];
        NDArray triplet = perTriplet.mean();
        NDArray mse = input.sub(reconstruction).pow(2).mean();
        NDArray mixed;
        if (tripletWeight == 0) {
            mixed = mse;
        } else if (tripletWeight == 1) {
            mixed = triplet;
        } else {
            mixed = triplet.mul((float) tripletWeight).add(mse.mul((float) (1.0 - tripletWeight)));
        }
        NDArray penalty = input.getManager().create(0f);
        if (l1 > 0 && !l1Parameters.isEmpty()) {
            NDArray norm = null;
            for (NDArray w : l1Parameters) {
                NDArray s = w.abs().sum();
                norm = norm == null ? s : norm.add(s);
            }
            penalty = norm.mul((float) (l1 * learningRate));
        }
        return new LossParts(triplet, mse, mixed, penalty, mixed.add(penalty), nonZero);
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
