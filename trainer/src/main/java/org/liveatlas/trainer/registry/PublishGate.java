package org.liveatlas.trainer.registry;

import java.util.Map;
import java.util.Optional;

/**
 * The publish rule: a candidate is accepted when there is no current model, or when on the same fixed
 * evaluation set its k-NN accuracy and macro-F1 are each at least the current model's minus the
 * tolerance.
 *
 * @param tolerance allowed drop in accuracy and macro-F1 (absolute, e.g. 0.01)
 */
public record PublishGate(double tolerance) {

    public static final double DEFAULT_TOLERANCE = 0.01;
    static final String[] METRICS = {"knn_accuracy", "knn_macro_f1"};

    public PublishGate {
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("the gate's tolerance must be in [0, 1), got " + tolerance);
        }
    }

    /** The verdict, with its reason. */
    public record Verdict(boolean accepted, String reason) {}

    /**
     * @param candidate the new model's metrics
     * @param current the current model's metrics on the same evaluation set, empty when none is published
     */
    public Verdict judge(Map<String, Double> candidate, Optional<Map<String, Double>> current) {
        // a candidate without an evaluation (e.g. no held-out cell passed the filter) proves nothing
        for (String m : METRICS) {
            if (Double.isNaN(candidate.getOrDefault(m, Double.NaN))) {
                return new Verdict(
                        false,
                        m + " is missing from the candidate's evaluation (no held-out cells were evaluated);"
                                + " deposit more labelled cells or loosen the training cell filter");
            }
        }
        if (current.isEmpty()) {
            return new Verdict(true, "no model is published yet");
        }
        for (String m : METRICS) {
            double c = candidate.get(m);
            double cur = current.get().getOrDefault(m, Double.NaN);
            if (!Double.isNaN(cur) && c < cur - tolerance) {
                return new Verdict(
                        false,
                        String.format(
                                java.util.Locale.ROOT,
                                "%s %.4f is below the current model's %.4f minus the tolerance %.4f",
                                m,
                                c,
                                cur,
                                tolerance));
            }
        }
        return new Verdict(true, "at least as good as the current model within " + tolerance);
    }
}
