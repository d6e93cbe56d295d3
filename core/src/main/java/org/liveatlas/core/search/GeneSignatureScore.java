package org.liveatlas.core.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * How SCimilarity picks the cells of a gene signature (its tutorial "Search using centroids and gene
 * signatures"): scanpy's {@code sc.tl.score_genes(adata, signature)} on the aligned, log-normalised
 * cells, then the cells whose score is at least the {@code 0.999} quantile of all scores
 * ({@code adata.obs[score].quantile(q)}, linear interpolation).
 *
 * <p>The score of a cell is the mean of its lognorm values over the signature genes minus the mean
 * over a set of control genes (Tirosh et al. 2016, as in Seurat). Control genes are chosen per
 * expression bin: the genes of the model's gene order are ranked by their mean over all cells
 * ({@code rank(method="min")}), cut into bins of {@code round(genes / (nBins - 1))} ranks, and from
 * every bin that holds a signature gene all genes are taken, or {@code ctrlSize} of them drawn with
 * NumPy's legacy stream seeded with {@code 0} ({@link LegacyRandomState}) when the bin is larger;
 * signature genes are then removed from the controls. This follows scanpy 1.10+ (which draws only
 * from bins larger than {@code ctrlSize}). Usage: feed every cell's lognorm values to a {@link
 * GeneMeans}, {@link #plan} the controls, then {@link #score} the cells and {@link #selectAtLeast}
 * the {@link #quantile}.
 */
public final class GeneSignatureScore {
    /** scanpy's default number of control genes drawn per bin. */
    public static final int CTRL_SIZE = 50;
    /** scanpy's default number of expression bins. */
    public static final int N_BINS = 25;
    /** scanpy's default seed. */
    public static final long RANDOM_STATE = 0;
    /** The quantile SCimilarity's tutorial selects from: the top 0.1% of the scores. */
    public static final double SCIMILARITY_QUANTILE = 0.999;

    private final int[] signature;
    private final int[] controls;
    private final boolean[] isSignature;
    private final boolean[] isControl;

    private GeneSignatureScore(int genes, int[] signature, int[] controls) {
        this.signature = signature;
        this.controls = controls;
        this.isSignature = new boolean[genes];
        this.isControl = new boolean[genes];
        for (int g : signature) {
            isSignature[g] = true;
        }
        for (int g : controls) {
            isControl[g] = true;
        }
    }

    /** Mean of every gene over all cells, accumulated chunk by chunk (scanpy's sparse {@code nanmean}). */
    public static final class GeneMeans {
        private final double[] sums;
        private long cells;

        public GeneMeans(int genes) {
            this.sums = new double[genes];
        }

        /** Adds every row of {@code lognorm} (columns in the model's gene order). */
        public void add(CsrBatch lognorm) {
            if (lognorm.cols() != sums.length) {
                throw new IllegalArgumentException(lognorm.cols() + " genes, expected " + sums.length);
            }
            int[] indices = lognorm.indices();
            float[] values = lognorm.values();
            for (int p = 0; p < values.length; p++) {
                sums[indices[p]] += values[p];
            }
            cells += lognorm.rows();
        }

        public long cells() {
            return cells;
        }

        /** The per-gene means (NaN for every gene while no cell was added). */
        public double[] means() {
            double[] out = new double[sums.length];
            for (int g = 0; g < out.length; g++) {
                out[g] = sums[g] / cells;
            }
            return out;
        }
    }

    /** {@link #plan(int[], double[], int, int, long)} with scanpy's defaults. */
    public static GeneSignatureScore plan(int[] signatureColumns, double[] geneMeans) {
        return plan(signatureColumns, geneMeans, CTRL_SIZE, N_BINS, RANDOM_STATE);
    }

    /**
     * Chooses the control genes for the signature genes (column positions in the gene order; repeats
     * are ignored) from the genes' means over all cells.
     *
     * @throws IllegalArgumentException when there is no signature gene or no control gene
     */
    public static GeneSignatureScore plan(
            int[] signatureColumns, double[] geneMeans, int ctrlSize, int nBins, long seed) {
        int genes = geneMeans.length;
        int[] sig = Arrays.stream(signatureColumns).distinct().sorted().toArray();
        if (sig.length == 0) {
            throw new IllegalArgumentException("no signature gene to score");
        }
        for (int g : sig) {
            if (g < 0 || g >= genes) {
                throw new IllegalArgumentException("signature column " + g + " is outside the " + genes + " genes");
            }
        }
        if (nBins < 2 || ctrlSize < 1) {
            throw new IllegalArgumentException("need nBins >= 2 and ctrlSize >= 1");
        }
        // genes with a non-finite mean are left out of the pool, as scanpy does
        List<Integer> pool = new ArrayList<>(genes);
        for (int g = 0; g < genes; g++) {
            if (Double.isFinite(geneMeans[g])) {
                pool.add(g);
            }
        }
        double[] sorted = pool.stream().mapToDouble(g -> geneMeans[g]).sorted().toArray();
        // n_items = int(np.round(len / (n_bins - 1))): NumPy rounds halves to even, like Math.rint
        long nItems = (long) Math.rint(pool.size() / (double) (nBins - 1));
        long[] cut = new long[genes];
        Arrays.fill(cut, Long.MIN_VALUE);
        for (int g : pool) {
            // rank(method="min"): 1 + the number of genes with a strictly smaller mean
            long rank = 1 + lowerBound(sorted, geneMeans[g]);
            // rank // 0 is +inf for every gene in pandas: one bin
            cut[g] = nItems == 0 ? 0 : Math.floorDiv(rank, nItems);
        }
        boolean[] inSig = new boolean[genes];
        for (int g : sig) {
            inSig[g] = true;
        }
        TreeSet<Long> cuts = new TreeSet<>();
        for (int g : sig) {
            if (cut[g] != Long.MIN_VALUE) {
                cuts.add(cut[g]);
            }
        }
        LegacyRandomState random = new LegacyRandomState(seed);
        TreeSet<Integer> control = new TreeSet<>();
        for (long c : cuts) {
            List<Integer> bin = new ArrayList<>();
            for (int g : pool) {
                if (cut[g] == c) {
                    bin.add(g);
                }
            }
            List<Integer> drawn = bin;
            if (ctrlSize < bin.size()) {
                // pandas Series.sample(n) = RandomState.choice(len, n, replace=False) = permutation(len)[:n]
                int[] perm = random.permutation(bin.size());
                drawn = new ArrayList<>(ctrlSize);
                for (int i = 0; i < ctrlSize; i++) {
                    drawn.add(bin.get(perm[i]));
                }
            }
            for (int g : drawn) {
                if (!inSig[g]) {
                    control.add(g);
                }
            }
        }
        if (control.isEmpty()) {
            throw new IllegalArgumentException("no control genes found in any expression bin of the signature genes");
        }
        return new GeneSignatureScore(
                genes, sig, control.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The signature genes scored (column positions, ascending). */
    public int[] signatureColumns() {
        return signature.clone();
    }

    /** The control genes (column positions, ascending). */
    public int[] controlColumns() {
        return controls.clone();
    }

    /** Each row's score: mean over the signature genes minus mean over the control genes. */
    public double[] score(CsrBatch lognorm) {
        if (lognorm.cols() != isSignature.length) {
            throw new IllegalArgumentException(lognorm.cols() + " genes, expected " + isSignature.length);
        }
        int[] indptr = lognorm.indptr();
        int[] indices = lognorm.indices();
        float[] values = lognorm.values();
        double[] out = new double[lognorm.rows()];
        for (int r = 0; r < out.length; r++) {
            double s = 0;
            double c = 0;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                int g = indices[p];
                if (isSignature[g]) {
                    s += values[p];
                } else if (isControl[g]) {
                    c += values[p];
                }
            }
            out[r] = s / signature.length - c / controls.length;
        }
        return out;
    }

    /**
     * {@code pandas.Series(values).quantile(q)}: linear interpolation between the order statistics at
     * {@code (n - 1) q}, computed as NumPy's {@code percentile(values, 100 q)} does it.
     */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile " + q + " is not in [0, 1]");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double level = (q * 100.0) / 100.0;
        double index = (n - 1) * level;
        if (index >= n - 1) {
            return v[n - 1];
        }
        int below = (int) Math.floor(index);
        double gamma = index - below;
        double a = v[below];
        double b = v[below + 1];
        double diff = b - a;
        // NumPy's _lerp: from the nearer end, for symmetry
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }

    /** Positions of the values that are at least {@code threshold}, ascending. */
    public static int[] selectAtLeast(double[] values, double threshold) {
        return java.util.stream.IntStream.range(0, values.length)
                .filter(i -> values[i] >= threshold)
                .toArray();
    }

    private static int lowerBound(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
