package org.liveatlas.core.qc;

/** Why QC dropped a cell; a cell failing several limits is counted under the first, in this order. */
public enum DropReason {
    TOO_FEW_COUNTS,
    TOO_FEW_GENES,
    TOO_MUCH_MITO
}
