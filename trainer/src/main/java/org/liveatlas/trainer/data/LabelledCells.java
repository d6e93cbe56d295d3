package org.liveatlas.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * Labelled training or evaluation cells held in memory: lognorm expression over one gene order
 * (CSR), and per cell a label code, a study code and an id.
 *
 * <p>Label codes index {@link #labelTerms()} (the harmonised key: a Cell Ontology id where one was
 * given, else the label text) and {@link #labelNames()} (what the vote reports). Study codes index
 * {@link #studyIds()}. Instances are immutable; {@link #select} shares the dictionaries so codes stay
 * comparable between subsets.
 */
public final class LabelledCells {

    private final List<String> genes;
    private final int[] indptr;
    private final int[] indices;
    private final float[] values;
    private final int[] labels;
    private final int[] studies;
    private final List<String> cellIds;
    private final List<String> labelTerms;
    private final List<String> labelNames;
    private final List<String> studyIds;

    public LabelledCells(
            List<String> genes,
            int[] indptr,
            int[] indices,
            float[] values,
            int[] labels,
            int[] studies,
            List<String> cellIds,
            List<String> labelTerms,
            List<String> labelNames,
            List<String> studyIds) {
        this.genes = List.copyOf(genes);
        this.indptr = indptr.clone();
        this.indices = indices.clone();
        this.values = values.clone();
        this.labels = labels.clone();
        this.studies = studies.clone();
        this.cellIds = List.copyOf(cellIds);
        this.labelTerms = List.copyOf(labelTerms);
        this.labelNames = List.copyOf(labelNames);
        this.studyIds = List.copyOf(studyIds);
        int n = labels.length;
        if (indptr.length != n + 1 || studies.length != n || cellIds.size() != n) {
            throw new IllegalArgumentException("cells disagree: " + n + " labels, " + studies.length + " studies, "
                    + cellIds.size() + " ids, " + (indptr.length - 1) + " CSR rows");
        }
        if (labelTerms.size() != labelNames.size()) {
            throw new IllegalArgumentException("one name per label term needed");
        }
        for (int i = 0; i < n; i++) {
            Objects.checkIndex(labels[i], labelTerms.size());
            Objects.checkIndex(studies[i], studyIds.size());
        }
    }

    public int cells() {
        return labels.length;
    }

    public List<String> genes() {
        return genes;
    }

    public int[] labels() {
        return labels.clone();
    }

    public int label(int cell) {
        return labels[cell];
    }

    public int[] studies() {
        return studies.clone();
    }

    public int study(int cell) {
        return studies[cell];
    }

    public List<String> cellIds() {
        return cellIds;
    }

    public List<String> labelTerms() {
        return labelTerms;
    }

    public List<String> labelNames() {
        return labelNames;
    }

    public List<String> studyIds() {
        return studyIds;
    }

    /** Labels present among these cells (codes, ascending). */
    public int[] presentLabels() {
        return Arrays.stream(labels).distinct().sorted().toArray();
    }

    /** Every cell's expression as one CSR block (cells x genes). */
    public org.liveatlas.core.matrix.CsrBatch expression() {
        return new org.liveatlas.core.matrix.CsrBatch(cells(), genes.size(), indptr, indices, values);
    }

    /** The given rows as a dense row-major matrix ({@code rows.length x genes}). */
    public float[] dense(int[] rows) {
        int g = genes.size();
        float[] out = new float[Math.multiplyExact(rows.length, g)];
        for (int r = 0; r < rows.length; r++) {
            int c = rows[r];
            for (int p = indptr[c]; p < indptr[c + 1]; p++) {
                out[r * g + indices[p]] = values[p];
            }
        }
        return out;
    }

    /** The cells for which {@code keep} holds, in order, with the same dictionaries. */
    public LabelledCells select(IntPredicate keep) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < cells(); i++) {
            if (keep.test(i)) {
                rows.add(i);
            }
        }
        int[] ip = new int[rows.size() + 1];
        int nnz = 0;
        for (int r = 0; r < rows.size(); r++) {
            int c = rows.get(r);
            nnz += indptr[c + 1] - indptr[c];
            ip[r + 1] = nnz;
        }
        int[] ix = new int[nnz];
        float[] vx = new float[nnz];
        int[] lb = new int[rows.size()];
        int[] st = new int[rows.size()];
        List<String> ids = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            int c = rows.get(r);
            int len = indptr[c + 1] - indptr[c];
            System.arraycopy(indices, indptr[c], ix, ip[r], len);
            System.arraycopy(values, indptr[c], vx, ip[r], len);
            lb[r] = labels[c];
            st[r] = studies[c];
            ids.add(cellIds.get(c));
        }
        return new LabelledCells(genes, ip, ix, vx, lb, st, ids, labelTerms, labelNames, studyIds);
    }

    /** The cells of the named studies (with all their batches). */
    public LabelledCells ofStudies(java.util.Collection<String> ids) {
        java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (String id : ids) {
            boolean found = false;
            for (int c = 0; c < studyIds.size(); c++) {
                if (studyOf(studyIds.get(c)).equals(id)) {
                    codes.add(c);
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException("study " + id + " is not among " + studyIds);
            }
        }
        return select(i -> codes.contains(studies[i]));
    }

    /** Every cell except those of the named studies (with all their batches). */
    public LabelledCells withoutStudies(java.util.Collection<String> ids) {
        java.util.Set<String> out = new java.util.HashSet<>(ids);
        return select(i -> !out.contains(studyOf(studyIds.get(studies[i]))));
    }

    /** The study id of a study code's key ({@code <studyId>} or {@code <studyId>#<batch>}). */
    public static String studyOf(String studyKey) {
        int sep = studyKey.indexOf(LabelledStudy.BATCH_SEPARATOR);
        return sep < 0 ? studyKey : studyKey.substring(0, sep);
    }
}
