package org.liveatlas.trainer.mining;

import java.util.Arrays;

/**
 * The triplets mined from one batch, as batch row indices, with SCimilarity's counters.
 *
 * @param anchors anchor rows
 * @param positives positive rows (same label as the anchor)
 * @param negatives negative rows (a label not related to the anchor's)
 * @param hard number of (pair, negative) combinations with a positive loss value ("hard triplets")
 * @param viable number of (pair, negative) combinations considered ("viable triplets")
 */
public record Triplets(int[] anchors, int[] positives, int[] negatives, long hard, long viable) {

    public Triplets {
        if (anchors.length != positives.length || anchors.length != negatives.length) {
            throw new IllegalArgumentException("anchors (" + anchors.length + "), positives (" + positives.length
                    + ") and negatives (" + negatives.length + ") must be as many");
        }
        if (hard < 0 || viable < hard) {
            throw new IllegalArgumentException("need 0 <= hard <= viable, got " + hard + " and " + viable);
        }
        anchors = anchors.clone();
        positives = positives.clone();
        negatives = negatives.clone();
    }

    /** Number of triplets. */
    public int size() {
        return anchors.length;
    }

    /** Triplet {@code i} as {anchor, positive, negative}. */
    public int[] get(int i) {
        return new int[] {anchors[i], positives[i], negatives[i]};
    }

    @Override
    public int[] anchors() {
        return anchors.clone();
    }

    @Override
    public int[] positives() {
        return positives.clone();
    }

    @Override
    public int[] negatives() {
        return negatives.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Triplets t
                && Arrays.equals(anchors, t.anchors)
                && Arrays.equals(positives, t.positives)
                && Arrays.equals(negatives, t.negatives)
                && hard == t.hard
                && viable == t.viable;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(anchors) * 31 + Arrays.hashCode(negatives) + Long.hashCode(hard);
    }

    @Override
    public String toString() {
        return "Triplets[" + size() + " triplets, hard " + hard + " of " + viable + " viable]";
    }
}
