package org.liveatlas.query.annotate;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.liveatlas.core.annotate.CellVote;

/**
 * One cell's annotation, with SCimilarity's statistics; distances are cosine distances, null when no
 * reference cell voted.
 *
 * @param cellId the cell's id in the upload
 * @param label the call ({@code unknown} when min_dist exceeds the model's threshold)
 * @param votedLabel the most voted label before the threshold (SCimilarity's {@code celltype_hint})
 * @param labelOntologyId the Cell Ontology id of the call, when its reference cells carry one
 * @param votedLabelOntologyId the Cell Ontology id of the voted label, when its reference cells carry one
 * @param unknown whether the cell was called unknown
 * @param cluster the cell's cluster, when a cluster column was given
 * @param clusterLabel the cluster's consensus label
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CellAnnotation(
        String cellId,
        String label,
        String votedLabel,
        String labelOntologyId,
        String votedLabelOntologyId,
        boolean unknown,
        Double minDist,
        Double maxDist,
        Double vs2nd,
        Double vsAll,
        Double vs2ndWeighted,
        Double vsAllWeighted,
        int neighbours,
        String cluster,
        String clusterLabel) {

    /** From a core vote whose labels are display names, with the ontology ids of the call and the voted label. */
    static CellAnnotation of(String cellId, CellVote v, String labelOntologyId, String votedLabelOntologyId) {
        return new CellAnnotation(
                cellId,
                v.label(),
                v.votedLabel(),
                labelOntologyId,
                votedLabelOntologyId,
                v.unknown(),
                finite(v.minDist()),
                finite(v.maxDist()),
                finite(v.vs2nd()),
                finite(v.vsAll()),
                finite(v.vs2ndWeighted()),
                finite(v.vsAllWeighted()),
                v.neighbours(),
                null,
                null);
    }

    CellAnnotation withCluster(String c, String l) {
        return new CellAnnotation(
                cellId,
                label,
                votedLabel,
                labelOntologyId,
                votedLabelOntologyId,
                unknown,
                minDist,
                maxDist,
                vs2nd,
                vsAll,
                vs2ndWeighted,
                vsAllWeighted,
                neighbours,
                c,
                l);
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
