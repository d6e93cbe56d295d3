package org.liveatlas.trainer.loss;

/** Which distance the triplet loss compares (the miner always ranks by squared Euclidean distance). */
public enum TripletDistance {
    /**
     * SCimilarity's code: {@code F.triplet_margin_loss(a, p, n, margin, p=2, eps=1e-6)}, i.e.
     * {@code max(||a - p + eps|| - ||a - n + eps|| + margin, 0)}.
     */
    EUCLIDEAN,
    /** The margin on squared Euclidean distances, as the paper's text states it: {@code max(d2(a,p) - d2(a,n) + margin, 0)}. */
    SQUARED_EUCLIDEAN
}
