package org.liveatlas.trainer.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.liveatlas.trainer.loss.MetricLoss;
import org.liveatlas.trainer.loss.TripletDistance;
import org.liveatlas.trainer.mining.NegativeSelection;

/**
 * Hyperparameters of one training run; {@link #scimilarity()} gives SCimilarity's training script
 * defaults.
 *
 * @param hidden hidden layer widths (default 1024-1024-1024)
 * @param latent embedding width (default 128)
 * @param epochs epochs; the cosine schedule spans them (default 500)
 * @param batchSize cells per batch (default 1,000; capped at the number of training cells)
 * @param batchesPerEpoch batches per epoch; 0 means {@code ceil(cells / batchSize)} (SCimilarity's
 *     CellArr loader uses a fixed 100)
 * @param learningRate AdamW's initial learning rate (default 5e-3)
 * @param weightDecay AdamW's decoupled weight decay (default 0.01)
 * @param l1 L1 lambda on the encoder's output Linear (where SCimilarity's loop puts it), scaled by the
 *     current learning rate (default 1e-4)
 * @param tripletWeight w in {@code w * triplet + (1 - w) * MSE} (default 0.001)
 * @param margin triplet margin (default 0.05)
 * @param negativeSelection how negatives are mined (default SEMIHARD)
 * @param tripletDistance distance in the triplet loss (default EUCLIDEAN, SCimilarity's code)
 * @param crossStudyPositives anchor and positive from different studies (default true)
 * @param seed makes a run repeatable
 * @param threads PyTorch intra-op threads
 * @param geneMask fraction of each training cell's genes zeroed at the encoder's input, drawn anew per
 *     cell and step (0 = off, SCimilarity's setting); the decoder still reconstructs the full profile,
 *     so the encoder learns to embed cells whose study lacks some of the model's genes
 * @param genePanelShare share of each batch's cells re-expressed over one gene panel drawn for the
 *     batch and normalised again ({@link GenePanels}; 0 = off, SCimilarity's setting)
 */
public record TrainingConfig(
        List<Integer> hidden,
        int latent,
        int epochs,
        int batchSize,
        int batchesPerEpoch,
        double learningRate,
        double weightDecay,
        double l1,
        double tripletWeight,
        double margin,
        NegativeSelection negativeSelection,
        TripletDistance tripletDistance,
        boolean crossStudyPositives,
        long seed,
        int threads,
        double geneMask,
        double genePanelShare) {

    public TrainingConfig {
        hidden = List.copyOf(hidden);
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1) || latent < 1) {
            throw new IllegalArgumentException(
                    "hidden widths and latent size must be positive, got " + hidden + " and " + latent);
        }
        if (epochs < 1 || batchSize < 2 || batchesPerEpoch < 0 || threads < 1) {
            throw new IllegalArgumentException("need epochs >= 1, batchSize >= 2, batchesPerEpoch >= 0, threads >= 1;"
                    + " got " + epochs + ", " + batchSize + ", " + batchesPerEpoch + ", " + threads);
        }
        if (!(learningRate > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "need learningRate > 0 and weightDecay >= 0, got " + learningRate + ", " + weightDecay);
        }
        Objects.requireNonNull(negativeSelection, "negativeSelection");
        Objects.requireNonNull(tripletDistance, "tripletDistance");
        if (!(geneMask >= 0 && geneMask < 1)) {
            throw new IllegalArgumentException("geneMask must be in [0, 1), got " + geneMask);
        }
        if (!(genePanelShare >= 0 && genePanelShare <= 1)) {
            throw new IllegalArgumentException("genePanelShare must be in [0, 1], got " + genePanelShare);
        }
        new MetricLoss(tripletWeight, margin, l1, tripletDistance); // validates the loss settings
    }

    /** SCimilarity's training defaults. */
    public static TrainingConfig scimilarity() {
        return new TrainingConfig(
                List.of(1024, 1024, 1024),
                128,
                500,
                1000,
                0,
                5e-3,
                0.01,
                MetricLoss.DEFAULT_L1,
                MetricLoss.DEFAULT_TRIPLET_WEIGHT,
                MetricLoss.DEFAULT_MARGIN,
                NegativeSelection.SEMIHARD,
                TripletDistance.EUCLIDEAN,
                true,
                0L,
                Runtime.getRuntime().availableProcessors(),
                0.0,
                0.0);
    }

    public TrainingConfig withArchitecture(List<Integer> newHidden, int newLatent) {
        return with(c -> {
            c.hidden = newHidden;
            c.latent = newLatent;
        });
    }

    public TrainingConfig withEpochs(int n) {
        return with(c -> c.epochs = n);
    }

    public TrainingConfig withBatches(int size, int perEpoch) {
        return with(c -> {
            c.batchSize = size;
            c.batchesPerEpoch = perEpoch;
        });
    }

    public TrainingConfig withLearningRate(double lr) {
        return with(c -> c.learningRate = lr);
    }

    public TrainingConfig withTripletWeight(double w) {
        return with(c -> c.tripletWeight = w);
    }

    public TrainingConfig withNegativeSelection(NegativeSelection s) {
        return with(c -> c.negativeSelection = s);
    }

    public TrainingConfig withCrossStudyPositives(boolean on) {
        return with(c -> c.crossStudyPositives = on);
    }

    public TrainingConfig withSeed(long s) {
        return with(c -> c.seed = s);
    }

    public TrainingConfig withThreads(int n) {
        return with(c -> c.threads = n);
    }

    public TrainingConfig withGeneMask(double fraction) {
        return with(c -> c.geneMask = fraction);
    }

    public TrainingConfig withGenePanelShare(double share) {
        return with(c -> c.genePanelShare = share);
    }

    /** This config with the fields {@code change} sets; the canonical constructor validates the result. */
    private TrainingConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** A mutable copy of every field, so that each "with" names only the fields it changes. */
    private static final class Copy {
        List<Integer> hidden;
        int latent;
        int epochs;
        int batchSize;
        int batchesPerEpoch;
        double learningRate;
        double weightDecay;
        double l1;
        double tripletWeight;
        double margin;
        NegativeSelection negativeSelection;
        TripletDistance tripletDistance;
        boolean crossStudyPositives;
        long seed;
        int threads;
        double geneMask;
        double genePanelShare;

        Copy(TrainingConfig t) {
            hidden = t.hidden;
            latent = t.latent;
            epochs = t.epochs;
            batchSize = t.batchSize;
            batchesPerEpoch = t.batchesPerEpoch;
            learningRate = t.learningRate;
            weightDecay = t.weightDecay;
            l1 = t.l1;
            tripletWeight = t.tripletWeight;
            margin = t.margin;
            negativeSelection = t.negativeSelection;
            tripletDistance = t.tripletDistance;
            crossStudyPositives = t.crossStudyPositives;
            seed = t.seed;
            threads = t.threads;
            geneMask = t.geneMask;
            genePanelShare = t.genePanelShare;
        }

        TrainingConfig build() {
            return new TrainingConfig(
                    hidden,
                    latent,
                    epochs,
                    batchSize,
                    batchesPerEpoch,
                    learningRate,
                    weightDecay,
                    l1,
                    tripletWeight,
                    margin,
                    negativeSelection,
                    tripletDistance,
                    crossStudyPositives,
                    seed,
                    threads,
                    geneMask,
                    genePanelShare);
        }
    }

    public MetricLoss loss() {
        return new MetricLoss(tripletWeight, margin, l1, tripletDistance);
    }

    /** The parameters as recorded in a model's manifest. */
    public Map<String, Object> asManifestParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hidden", hidden);
        m.put("latent", latent);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("batches_per_epoch", batchesPerEpoch);
        m.put("lr", learningRate);
        m.put("weight_decay", weightDecay);
        m.put("l1", l1);
        m.put("triplet_loss_weight", tripletWeight);
        m.put("margin", margin);
        m.put("negative_selection", negativeSelection.name());
        m.put("triplet_distance", tripletDistance.name());
        m.put("sample_across_studies", crossStudyPositives);
        m.put("seed", seed);
        m.put("gene_mask", geneMask);
        m.put("gene_panel_share", genePanelShare);
        return m;
    }
}
