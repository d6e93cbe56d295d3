package org.liveatlas.trainer.train;

import java.util.Map;

/**
 * What one epoch did, as logged per epoch (means over its batches).
 *
 * @param epoch 0-based epoch
 * @param learningRate the cosine schedule's rate during this epoch
 * @param loss mean total loss (mixed + L1)
 * @param tripletLoss mean triplet loss
 * @param mse mean reconstruction MSE
 * @param l1Penalty mean L1 penalty
 * @param triplets mean mined triplets per batch
 * @param nonZeroTriplets mean triplets with positive loss per batch
 * @param viableTriplets mean viable (pair, negative) combinations per batch
 * @param hardTriplets mean hard combinations per batch
 * @param skippedSteps batches without an update: loss exactly 0, or a non-finite loss or gradient
 * @param cells cells seen
 * @param seconds wall time of the epoch
 * @param validation validation metrics after the epoch (empty when not validated)
 */
public record EpochLog(
        int epoch,
        double learningRate,
        double loss,
        double tripletLoss,
        double mse,
        double l1Penalty,
        double triplets,
        double nonZeroTriplets,
        double viableTriplets,
        double hardTriplets,
        int skippedSteps,
        long cells,
        double seconds,
        Map<String, Double> validation) {

    public EpochLog {
        validation = Map.copyOf(validation);
    }

    /** Training throughput of the epoch. */
    public double cellsPerSecond() {
        return seconds > 0 ? cells / seconds : Double.NaN;
    }

    /** One log line. */
    public String line() {
        StringBuilder sb = new StringBuilder(String.format(
                java.util.Locale.ROOT,
                "epoch %d lr %.2e loss %.5f triplet %.5f mse %.5f l1 %.2e | triplets %.0f nonzero %.0f"
                        + " hard %.0f of %.0f viable | %d cells in %.1f s (%.0f cells/s)",
                epoch,
                learningRate,
                loss,
                tripletLoss,
                mse,
                l1Penalty,
                triplets,
                nonZeroTriplets,
                hardTriplets,
                viableTriplets,
                cells,
                seconds,
                cellsPerSecond()));
        if (skippedSteps > 0) {
            sb.append(" | ").append(skippedSteps).append(" steps skipped (loss exactly 0 or not finite)");
        }
        validation.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, " | %s %.4f", k, v)));
        return sb.toString();
    }
}
