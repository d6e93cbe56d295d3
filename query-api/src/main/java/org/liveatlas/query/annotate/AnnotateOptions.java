package org.liveatlas.query.annotate;

import java.util.List;
import org.liveatlas.core.annotate.ConsensusMethod;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.VoteWeighting;
import org.liveatlas.query.problem.ApiProblem;

/**
 * How to annotate: SCimilarity's {@code get_predictions_knn} options plus a cluster consensus.
 *
 * @param k voting reference cells per query cell
 * @param weighting unweighted (default) or inverse-distance vote
 * @param safelist only these labels vote (inside the k-NN query)
 * @param blocklist these labels never vote (inside the k-NN query)
 * @param clusterColumn obs column with a cluster per cell, for a cluster-level label
 * @param consensus how a cluster's label is formed
 * @param modelVersion the model version to embed and vote with (its own reference); null: the serving one
 */
public record AnnotateOptions(
        int k,
        VoteWeighting weighting,
        List<String> safelist,
        List<String> blocklist,
        String clusterColumn,
        ConsensusMethod consensus,
        String modelVersion) {

    public AnnotateOptions {
        safelist = safelist == null ? List.of() : List.copyOf(safelist);
        blocklist = blocklist == null ? List.of() : List.copyOf(blocklist);
        if (weighting == null) {
            weighting = VoteWeighting.UNWEIGHTED;
        }
        if (consensus == null) {
            consensus = ConsensusMethod.MAJORITY_OF_CELLS;
        }
        if (!safelist.isEmpty() && !blocklist.isEmpty()) {
            throw ApiProblem.badRequest(
                    "conflicting-label-filters", "give a safelist or a blocklist of labels, not both");
        }
        for (String l : safelist) {
            if (l == null || l.isBlank()) {
                throw ApiProblem.badRequest("invalid-value", "the safelist holds an empty label");
            }
        }
        for (String l : blocklist) {
            if (l == null || l.isBlank()) {
                throw ApiProblem.badRequest("invalid-value", "the blocklist holds an empty label");
            }
        }
        if (clusterColumn != null && clusterColumn.isBlank()) {
            clusterColumn = null;
        }
        if (modelVersion != null && modelVersion.isBlank()) {
            modelVersion = null;
        }
    }

    /** The label filter of the vote (also applied inside the k-NN query). */
    public LabelFilter labelFilter() {
        if (!safelist.isEmpty()) {
            return LabelFilter.safelist(safelist);
        }
        if (!blocklist.isEmpty()) {
            return LabelFilter.blocklist(blocklist);
        }
        return LabelFilter.none();
    }

    /** Checks k against {@code 1..maxK}. */
    public AnnotateOptions checked(int maxK) {
        if (k < 1 || k > maxK) {
            throw ApiProblem.badRequest(
                            "k-out-of-range",
                            "k = " + k + " is out of range for annotation; use 1 to " + maxK
                                    + " voting neighbours (SCimilarity's default is 50)")
                    .with("field", "k")
                    .with("limit", maxK);
        }
        return this;
    }
}
