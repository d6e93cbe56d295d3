package org.liveatlas.query.annotate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.liveatlas.core.annotate.ClusterCall;

/**
 * The annotation of an upload.
 *
 * @param modelVersion model the cells were embedded with
 * @param unknownThreshold min_dist (cosine distance) above which a cell is unknown; null when the
 *     model has none
 * @param options the options used
 * @param cellsRead cells in the upload
 * @param cellsAnnotated cells that passed QC and were annotated
 * @param sharedGenes genes of the upload found in the model's gene order
 * @param modelGenes genes of the model
 * @param labels cells per label, most frequent first
 * @param unknownFraction share of annotated cells called unknown
 * @param clusters cluster-level calls, when a cluster column was given
 * @param reference the reference voted with: its model version (always the cells' model's) and index, and
 *     the reference cells the caller could see
 * @param cells per-cell results, in upload order, with each annotated cell's embedding (unit vector of the
 *     model; not part of the JSON, the {@code .h5ad} form carries it as {@code obsm/X_scimilarity}); spooled
 *     to disk for jobs
 */
public record AnnotationResult(
        String modelVersion,
        Double unknownThreshold,
        AnnotateOptions options,
        long cellsRead,
        long cellsAnnotated,
        int sharedGenes,
        int modelGenes,
        Map<String, Long> labels,
        double unknownFraction,
        List<ClusterCall> clusters,
        Reference reference,
        @Schema(type = SchemaType.ARRAY, implementation = CellAnnotation.class) AnnotatedCells cells) {

    /**
     * The in-memory reference an annotation voted with.
     *
     * @param modelVersion the model that embedded the reference cells
     * @param index the cells index they were read from
     * @param cells reference cells visible to the caller
     */
    public record Reference(String modelVersion, String index, long cells) {}

    /** Columns of the CSV form. */
    static final String CSV_HEADER = "cell_id,label,voted_label,unknown,min_dist,max_dist,vs2nd,vs_all,"
            + "vs2nd_weighted,vs_all_weighted,neighbours,cluster,cluster_label,label_ontology_id,voted_label_ontology_id";

    /** The per-cell results as CSV (RFC 4180 quoting), one header line. */
    public String toCsv() {
        java.io.StringWriter w = new java.io.StringWriter();
        writeCsv(w);
        return w.toString();
    }

    /** Writes the per-cell results as CSV, one cell at a time. */
    public void writeCsv(java.io.Writer out) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (CellAnnotation c : cells) {
            if (b.length() > 1 << 16) {
                flush(out, b);
            }
            b.append(quote(c.cellId()))
                    .append(',')
                    .append(quote(c.label()))
                    .append(',')
                    .append(quote(c.votedLabel()))
                    .append(',')
                    .append(c.unknown())
                    .append(',')
                    .append(num(c.minDist()))
                    .append(',')
                    .append(num(c.maxDist()))
                    .append(',')
                    .append(num(c.vs2nd()))
                    .append(',')
                    .append(num(c.vsAll()))
                    .append(',')
                    .append(num(c.vs2ndWeighted()))
                    .append(',')
                    .append(num(c.vsAllWeighted()))
                    .append(',')
                    .append(c.neighbours())
                    .append(',')
                    .append(quote(c.cluster()))
                    .append(',')
                    .append(quote(c.clusterLabel()))
                    .append(',')
                    .append(quote(c.labelOntologyId()))
                    .append(',')
                    .append(quote(c.votedLabelOntologyId()))
                    .append('\n');
        }
        flush(out, b);
    }

    private static void flush(java.io.Writer out, StringBuilder b) {
        try {
            out.write(b.toString());
            out.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the CSV result could not be sent", e);
        }
        b.setLength(0);
    }

    private static String num(Double d) {
        return d == null ? "" : String.format(Locale.ROOT, "%.6f", d);
    }

    private static String quote(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
