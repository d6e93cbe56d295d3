package org.liveatlas.trainer.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * @param l1 L1 lambda on the first encoder layer, scaled by the current learning rate (default 1e-4)
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
        double geneMask) {

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
                0.0);
    }

    public TrainingConfig withArchitecture(List<Integer> newHidden, int newLatent) {
        return new TrainingConfig(
                newHidden,
                newLatent,
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
                geneMask);
    }

    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(
                hidden,
                latent,
                n,
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
                geneMask);
    }

    public TrainingConfig withBatches(int size, int perEpoch) {
        return new TrainingConfig(
                hidden,
                latent,
                epochs,
                size,
                perEpoch,
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
                geneMask);
    }

    public TrainingConfig withLearningRate(double lr) {
        return new TrainingConfig(
                hidden,
                latent,
                epochs,
                batchSize,
                batchesPerEpoch,
                lr,
                weightDecay,
                l1,
                tripletWeight,
                margin,
                negativeSelection,
                tripletDistance,
                crossStudyPositives,
                seed,
                threads,
                geneMask);
    }

    public TrainingConfig withTripletWeight(double w) {
        return new TrainingConfig(
                hidden,
                latent,
                epochs,
                batchSize,
                batchesPerEpoch,
                learningRate,
                weightDecay,
                l1,
                w,
                margin,
                negativeSelection,
                tripletDistance,
                crossStudyPositives,
                seed,
                threads,
                geneMask);
    }

    public TrainingConfig withNegativeSelection(NegativeSelection s) {
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
                s,
                tripletDistance,
                crossStudyPositives,
                seed,
                threads,
                geneMask);
    }

    public TrainingConfig withCrossStudyPositives(boolean on) {
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
                on,
                seed,
                threads,
                geneMask);
    }

    public TrainingConfig withSeed(long s) {
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
                s,
                threads,
                geneMask);
    }

    public TrainingConfig withThreads(int n) {
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
                n,
                geneMask);
    }

    public TrainingConfig withGeneMask(double fraction) {
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
                fraction);
    }

    /** The loss these settings describe. */
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
        return m;
    }
}
