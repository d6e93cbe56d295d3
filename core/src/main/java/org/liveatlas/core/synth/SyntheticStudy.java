package org.liveatlas.core.synth;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * One generated study: raw counts (cells x genes), cell ids, obs columns and the generator's truth.
 *
 * @param studyId the study's id, also its {@code study} obs value
 * @param genes the gene universe (the columns of {@code counts})
 * @param cellIds cell barcodes, unique within the study
 * @param obs obs columns in order: {@link #CELL_TYPE}, {@link #CELL_TYPE_ONTOLOGY_ID}, {@link
 *     #DONOR}, {@link #SAMPLE}, {@link #STUDY}
 * @param counts integer counts as floats, one row per cell
 * @param truth what the generator drew for each cell
 */
public record SyntheticStudy(
        String studyId,
        GeneUniverse genes,
        List<String> cellIds,
        Map<String, List<String>> obs,
        CsrBatch counts,
        Truth truth) {

    public static final String CELL_TYPE = "cell_type";
    public static final String CELL_TYPE_ONTOLOGY_ID = "cell_type_ontology_term_id";
    public static final String DONOR = "donor_id";
    public static final String SAMPLE = "sample";
    public static final String STUDY = "study";

    public SyntheticStudy {
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(genes, "genes");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(truth, "truth");
        cellIds = List.copyOf(cellIds);
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
        obs.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        obs = Collections.unmodifiableMap(copy);
        if (counts.rows() != cellIds.size() || counts.cols() != genes.size()) {
            throw new IllegalArgumentException("study " + studyId + ": counts are " + counts.rows() + " x "
                    + counts.cols() + " but there are " + cellIds.size() + " cells and " + genes.size() + " genes");
        }
        for (Map.Entry<String, List<String>> e : obs.entrySet()) {
            if (e.getValue().size() != cellIds.size()) {
                throw new IllegalArgumentException("study " + studyId + ": obs column " + e.getKey() + " has "
                        + e.getValue().size() + " values");
            }
        }
    }

    public int cells() {
        return cellIds.size();
    }

    /**
     * Per cell: cell-type index, donor index, library size and mitochondrial factor drawn.
     *
     * @param cellType index into {@link SyntheticModel#typeNames()}
     * @param donor donor index within the study
     * @param librarySize expected total counts
     * @param mitoFactor multiplier of the mitochondrial genes' share
     */
    public record Truth(int[] cellType, int[] donor, double[] librarySize, double[] mitoFactor) {
        public Truth {
            cellType = cellType.clone();
            donor = donor.clone();
            librarySize = librarySize.clone();
            mitoFactor = mitoFactor.clone();
        }

        @Override
        public int[] cellType() {
            return cellType.clone();
        }

        @Override
        public int[] donor() {
            return donor.clone();
        }

        @Override
        public double[] librarySize() {
            return librarySize.clone();
        }

        @Override
        public double[] mitoFactor() {
            return mitoFactor.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Truth t
                    && Arrays.equals(cellType, t.cellType)
                    && Arrays.equals(donor, t.donor)
                    && Arrays.equals(librarySize, t.librarySize)
                    && Arrays.equals(mitoFactor, t.mitoFactor);
        }

        @Override
        public int hashCode() {
            return Objects.hash(
                    Arrays.hashCode(cellType),
                    Arrays.hashCode(donor),
                    Arrays.hashCode(librarySize),
                    Arrays.hashCode(mitoFactor));
        }

        @Override
        public String toString() {
            return "Truth[" + cellType.length + " cells]";
        }
    }
}
