package org.liveatlas.core.encoder;

/** How the first Linear layer (genes -> hidden) is computed. */
public enum FirstLayer {
    /** Dense matrix product in PyTorch over the densified batch. */
    DENSE,
    /** Sparse x dense product in Java over the non-zero entries only, then PyTorch for the rest. */
    SPARSE,
    /** SPARSE on the CPU when the batch's density is at most the configured threshold, else DENSE. */
    AUTO
}
