package org.liveatlas.trainer.mining;

/**
 * How the miner picks the one negative of an anchor-positive pair, given for each candidate negative
 * its triplet loss value {@code lv = d2(a,p) - d2(a,n) + margin} on squared Euclidean distances.
 */
public enum NegativeSelection {
    /** SCimilarity's default: uniformly among the semi-hard negatives, {@code 0 < lv < margin}. */
    SEMIHARD,
    /**
     * The closest negative still farther than the positive (the paper's wording): the semi-hard
     * negative with the largest {@code lv}; none when no negative is semi-hard.
     */
    SEMIHARD_NEAREST,
    /** The negative with the largest {@code lv}, when that is positive (first one on ties, as numpy's argmax). */
    HARDEST,
    /** Uniformly among the negatives with {@code lv > 0}. */
    RANDOM
}
