package org.liveatlas.core.io;

/** The on-disk layouts a study can arrive in. */
public enum StudyFormat {
    /** AnnData on HDF5 ({@code .h5ad}). */
    H5AD,
    /** A 10x Genomics folder: {@code matrix.mtx(.gz)} + {@code features.tsv(.gz)} or {@code genes.tsv(.gz)} + {@code barcodes.tsv(.gz)}. */
    TENX_MTX,
    /** A 10x Genomics HDF5 matrix ({@code filtered_feature_bc_matrix.h5}, v3 {@code matrix} group or the v2 per-genome group). */
    TENX_H5
}
