package org.liveatlas.schemas.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an object of a deposit holds, as recognised from its name and first bytes. */
public enum DataFormat {
    /** The deposit's metadata, {@code study.json}. */
    @JsonProperty("study_json")
    STUDY_JSON,
    /** AnnData on HDF5. */
    @JsonProperty("h5ad")
    H5AD,
    /** 10x Genomics HDF5 feature-barcode matrix ({@code filtered_feature_bc_matrix.h5}). */
    @JsonProperty("tenx_h5")
    TENX_H5,
    /** 10x {@code matrix.mtx(.gz)} (Matrix Market). */
    @JsonProperty("tenx_matrix")
    TENX_MATRIX,
    /** 10x {@code features.tsv.gz} or v2 {@code genes.tsv}. */
    @JsonProperty("tenx_features")
    TENX_FEATURES,
    /** 10x {@code barcodes.tsv(.gz)}. */
    @JsonProperty("tenx_barcodes")
    TENX_BARCODES
}
