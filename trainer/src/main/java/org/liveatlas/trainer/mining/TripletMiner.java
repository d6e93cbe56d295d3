package org.liveatlas.trainer.mining;

import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import org.liveatlas.core.ontology.CellOntology;

/**
 * SCimilarity's {@code TripletSelector.get_triplets_idx} in plain Java: for every label of the batch,
 * every anchor-positive pair of that label (anchor the lower row, as {@code itertools.combinations};
 * from different studies unless disabled), one negative chosen by {@link NegativeSelection} among the
 * cells whose label is neither the anchor's nor related to it in the ontology.
 *
 * <p>Distances are squared Euclidean between embedding rows. Labels are visited in increasing code
 * order, pairs in row order, negatives in row order, so with a seeded {@link Random} the result is
 * repeatable. Immutable and thread-safe (the caller owns the {@code Random}).
 */
public final class TripletMiner {

    private final double margin;
    private final NegativeSelection selection;
    private final boolean crossStudyPositives;

    /**
     * @param margin the triplet margin (SCimilarity: 0.05)
     * @param selection how the negative of a pair is chosen
     * @param crossStudyPositives whether anchor and positive must come from different studies
     *     (SCimilarity's {@code sample_across_studies}, default true)
     */
    public TripletMiner(double margin, NegativeSelection selection, boolean crossStudyPositives) {
        if (!(margin > 0)) {
            throw new IllegalArgumentException("the triplet margin must be > 0, got " + margin);
        }
        this.margin = margin;
        this.selection = Objects.requireNonNull(selection, "selection");
        this.crossStudyPositives = crossStudyPositives;
    }

    public double margin() {
        return margin;
    }

    public NegativeSelection selection() {
        return selection;
    }

    public boolean crossStudyPositives() {
        return crossStudyPositives;
    }

    /**
     * Which label codes are related (equal, ancestor or descendant) through the ontology.
     *
     * @param labelTerms per label code, its ontology term (a Cell Ontology id) or plain label text
     */
    public static boolean[][] relatedLabels(java.util.List<String> labelTerms, CellOntology ontology) {
        int n = labelTerms.size();
        boolean[][] related = new boolean[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                related[a][b] = a == b || ontology.related(labelTerms.get(a), labelTerms.get(b));
            }
        }
        return related;
    }

    /** Squared Euclidean distances between the rows of {@code x} ({@code n x dim}, row-major). */
    public static double[] squaredDistances(float[] x, int n, int dim) {
        double[] sq = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += (double) x[i * dim + k] * x[i * dim + k];
            }
            sq[i] = s;
        }
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < dim; k++) {
                    dot += (double) x[i * dim + k] * x[j * dim + k];
                }
                double v = sq[i] + sq[j] - 2 * dot;
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
        }
        return d;
    }

    /**
     * Mines the triplets of one batch.
     *
     * @param d2 squared distances, {@code n x n} row-major
     * @param labels label code per row
     * @param studies study code per row (ignored when cross-study positives are off)
     * @param related {@code related[a][b]}: label b may not be a negative for label a (see {@link
     *     #relatedLabels}); must hold at least every code in {@code labels}
     * @param rng source of the random choices
     */
    public Triplets mine(double[] d2, int[] labels, int[] studies, boolean[][] related, Random rng) {
        int n = labels.length;
        if (d2.length != (long) n * n) {
            throw new IllegalArgumentException("distance matrix has " + d2.length + " entries, expected " + n + "^2");
        }
        if (studies.length != n) {
            throw new IllegalArgumentException("need one study per row: " + studies.length + " for " + n + " rows");
        }
        IntList as = new IntList();
        IntList ps = new IntList();
        IntList ns = new IntList();
        long hard = 0;
        long viable = 0;
        TreeSet<Integer> labelSet = new TreeSet<>();
        for (int l : labels) {
            labelSet.add(l);
        }
        int[] negatives = new int[n];
        int[] members = new int[n];
        double[] lv = new double[n];
        int[] pick = new int[n];
        for (int label : labelSet) {
            int nm = 0;
            int nn = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] == label) {
                    members[nm++] = i;
                } else if (!related[label][labels[i]]) {
                    negatives[nn++] = i;
                }
            }
            if (nm < 2) {
                continue;
            }
            for (int x = 0; x < nm; x++) {
                int a = members[x];
                for (int y = x + 1; y < nm; y++) {
                    int p = members[y];
                    if (crossStudyPositives && studies[a] == studies[p]) {
                        continue;
                    }
                    double dap = d2[a * n + p];
                    int candidates = 0;
                    int best = -1;
                    double bestValue = Double.NEGATIVE_INFINITY;
                    for (int z = 0; z < nn; z++) {
                        double v = dap - d2[a * n + negatives[z]] + margin;
                        lv[z] = v;
                        if (v > 0) {
                            hard++;
                        }
                        switch (selection) {
                            case SEMIHARD -> {
                                if (v > 0 && v < margin) {
                                    pick[candidates++] = z;
                                }
                            }
                            case SEMIHARD_NEAREST -> {
                                if (v > 0 && v < margin && v > bestValue) {
                                    best = z;
                                    bestValue = v;
                                }
                            }
                            case HARDEST -> {
                                if (v > bestValue) {
                                    best = z;
                                    bestValue = v;
                                }
                            }
                            case RANDOM -> {
                                if (v > 0) {
                                    pick[candidates++] = z;
                                }
                            }
                        }
                    }
                    viable += nn;
                    int chosen =
                            switch (selection) {
                                case SEMIHARD, RANDOM -> candidates > 0 ? pick[rng.nextInt(candidates)] : -1;
                                case SEMIHARD_NEAREST -> best;
                                case HARDEST -> best >= 0 && bestValue > 0 ? best : -1;
                            };
                    if (chosen >= 0) {
                        as.add(a);
                        ps.add(p);
                        ns.add(negatives[chosen]);
                    }
                }
            }
        }
        return new Triplets(as.toArray(), ps.toArray(), ns.toArray(), hard, viable);
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[64];
        private int size;

        void add(int v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
