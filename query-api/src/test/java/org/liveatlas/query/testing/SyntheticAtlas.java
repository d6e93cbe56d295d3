package org.liveatlas.query.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.Architecture;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;
import org.liveatlas.core.norm.LogNormalizer;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Hit;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;

/**
 * A small atlas for the API's tests, built from the core's synthetic studies and a seeded random
 * SCimilarity-shaped encoder (which keeps the types apart, as random projections keep distances):
 *
 * <ul>
 *   <li>{@code synth01}, {@code synth02}: public reference studies holding every type but the absent one;
 *   <li>{@code synth03}: a private reference study of group {@code lab-a} holding only the absent type;
 *   <li>{@code synth04}: never indexed; the query dataset (all types).
 * </ul>
 *
 * The model's unknown threshold is calibrated on held-out data: the 99th percentile of the nearest
 * reference distance of synth02's cells against synth01.
 */
public final class SyntheticAtlas {
    public static final String MODEL_VERSION = "synth-v1";
    /** Seed of the atlas's synthetic generator. */
    public static final long SEED = 20261125L;

    public static final String PRIVATE_GROUP = "lab-a";
    public static final int GENES = 500;
    public static final int TYPES = 5;
    public static final int ABSENT_TYPE = 4;
    public static final int LATENT = 128;
    public static final int CELLS_PER_STUDY = 300;
    public static final String PRIVATE_STUDY = "synth03";
    public static final String QUERY_STUDY = "synth04";
    /** Deposit month of each indexed study. */
    public static final Map<String, String> MONTH = Map.of(
            "synth01", "2026-09-15T10:00:00Z", "synth02", "2026-10-15T10:00:00Z", "synth03", "2026-11-15T10:00:00Z");
    /** Tissue and disease of each indexed study. */
    public static final Map<String, String[]> TISSUE_DISEASE = Map.of(
            "synth01", new String[] {"blood", "normal"},
            "synth02", new String[] {"lung", "COVID-19"},
            "synth03", new String[] {"blood", "lupus"});

    private final SyntheticStudyGenerator generator;
    private final List<SyntheticStudy> studies;
    private final ModelFolder model;
    private final Map<String, float[][]> embeddings = new LinkedHashMap<>();
    private final double threshold;

    private SyntheticAtlas() {
        SynthConfig config =
                SynthConfig.defaults(SEED, 4, CELLS_PER_STUDY, GENES).withCellTypes(TYPES, 0);
        this.generator = new SyntheticStudyGenerator(config);
        this.studies = generator.studies();
        this.model = randomModel(
                studies.get(0).genes().symbols(),
                7L,
                markerGenes(generator),
                List.of(
                        LogNormalizer.lognorm(studies.get(0).counts()),
                        LogNormalizer.lognorm(studies.get(1).counts())));
        try (ScimilarityEncoder encoder = ScimilarityEncoder.open(model, EncoderOptions.defaults())) {
            for (SyntheticStudy s : studies) {
                embeddings.put(s.studyId(), embed(encoder, s.counts()));
            }
        }
        this.threshold = calibrate();
    }

    private static SyntheticAtlas shared;

    /** Builds the atlas (deterministic). */
    public static SyntheticAtlas build() {
        return new SyntheticAtlas();
    }

    /** One atlas per class loader, built on first use. */
    public static synchronized SyntheticAtlas shared() {
        if (shared == null) {
            shared = build();
        }
        return shared;
    }

    /** Saves the model as version {@link #MODEL_VERSION} under {@code modelsDir}. */
    public void saveModel(Path modelsDir) {
        saveModel(modelsDir, MODEL_VERSION, ModelStatus.PUBLISHED, Instant.parse("2026-11-01T00:00:00Z"));
    }

    /** Saves the atlas's encoder under another version, status and creation time (registry tests). */
    public Manifest saveModel(Path modelsDir, String version, ModelStatus status, Instant created) {
        Manifest m = new Manifest(
                Manifest.FORMAT_VERSION,
                version,
                null,
                created,
                Map.of("kind", "seeded random encoder for tests"),
                Map.of("unknown_threshold_percentile", 99.0),
                threshold,
                status,
                null);
        model.save(modelsDir.resolve(version), m);
        return m;
    }

    public SyntheticStudy study(String id) {
        return studies.stream().filter(s -> s.studyId().equals(id)).findFirst().orElseThrow();
    }

    public List<String> typeNames() {
        return generator.model().typeNames();
    }

    public String absentLabel() {
        return typeNames().get(ABSENT_TYPE);
    }

    public double unknownThreshold() {
        return threshold;
    }

    /** The embedding of row {@code row} of study {@code id}. */
    public float[] embedding(String id, int row) {
        return embeddings.get(id)[row].clone();
    }

    /** The label drawn for row {@code row} of study {@code id}. */
    public String label(String id, int row) {
        return typeNames().get(study(id).truth().cellType()[row]);
    }

    /** Whether row {@code row} of an indexed study is in the index. */
    public boolean indexed(String id, int row) {
        int type = study(id).truth().cellType()[row];
        return id.equals(PRIVATE_STUDY) ? type == ABSENT_TYPE : !id.equals(QUERY_STUDY) && type != ABSENT_TYPE;
    }

    /** Document id of an indexed cell. */
    public String docId(String id, int row) {
        return id + ":" + study(id).cellIds().get(row);
    }

    /** Visibility of an indexed study. */
    public static boolean isPrivate(String id) {
        return id.equals(PRIVATE_STUDY);
    }

    /** The indexed studies, in order. */
    public static List<String> indexedStudies() {
        return List.of("synth01", "synth02", "synth03");
    }

    /** Writes rows {@code [from, to)} of the query study as an {@code .h5ad} (with a {@code cluster} column = truth type). */
    public Path writeQuery(Path file, int from, int to) {
        SyntheticStudy q = study(QUERY_STUDY);
        CsrBatch rows = slice(q.counts(), from, to);
        Map<String, List<String>> obs = new LinkedHashMap<>();
        List<String> clusters = new ArrayList<>();
        for (int r = from; r < to; r++) {
            clusters.add("c" + q.truth().cellType()[r]);
        }
        obs.put("cluster", clusters);
        H5adWriter.write(
                file,
                rows,
                q.cellIds().subList(from, to),
                obs,
                q.genes().symbols(),
                Map.of("gene_ids", q.genes().ids()));
        return file;
    }

    /**
     * Writes {@code cells} cells as an {@code .h5ad}: the query study's cells repeated in order, each copy with
     * its own id ({@code <id>-<copy>}), for benchmarks of large uploads; returns the true label of each cell.
     */
    public List<String> writeRepeatedQuery(Path file, int cells) {
        SyntheticStudy q = study(QUERY_STUDY);
        CsrBatch c = q.counts();
        int[] indptr = new int[cells + 1];
        int nnz = 0;
        for (int r = 0; r < cells; r++) {
            int src = r % c.rows();
            nnz += c.indptr()[src + 1] - c.indptr()[src];
            indptr[r + 1] = nnz;
        }
        int[] indices = new int[nnz];
        float[] values = new float[nnz];
        List<String> ids = new ArrayList<>(cells);
        List<String> truth = new ArrayList<>(cells);
        List<String> copies = new ArrayList<>(cells);
        for (int r = 0; r < cells; r++) {
            int src = r % c.rows();
            int from = c.indptr()[src];
            int len = c.indptr()[src + 1] - from;
            System.arraycopy(c.indices(), from, indices, indptr[r], len);
            System.arraycopy(c.values(), from, values, indptr[r], len);
            ids.add(q.cellIds().get(src) + "-" + (r / c.rows()));
            copies.add(Integer.toString(r / c.rows()));
            truth.add(label(QUERY_STUDY, src));
        }
        H5adWriter.write(
                file,
                new CsrBatch(cells, c.cols(), indptr, indices, values),
                ids,
                Map.of("copy", copies),
                q.genes().symbols(),
                Map.of("gene_ids", q.genes().ids()));
        return truth;
    }

    /** Dense counts of rows {@code [from, to)} of the query study, for JSON requests. */
    public List<float[]> queryCounts(int from, int to) {
        CsrBatch c = study(QUERY_STUDY).counts();
        List<float[]> out = new ArrayList<>();
        for (int r = from; r < to; r++) {
            float[] row = new float[c.cols()];
            for (int p = c.indptr()[r]; p < c.indptr()[r + 1]; p++) {
                row[c.indices()[p]] = c.values()[p];
            }
            out.add(row);
        }
        return out;
    }

    public List<String> genes() {
        return model.geneOrder();
    }

    /** Marker genes of a type, as symbols. */
    public List<String> markers(int type) {
        return Arrays.stream(generator.model().markers(type))
                .mapToObj(g -> genes().get(g))
                .toList();
    }

    private double calibrate() {
        SyntheticStudy ref = study("synth01");
        SyntheticStudy held = study("synth02");
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int r = 0; r < ref.cells(); r++) {
            if (ref.truth().cellType()[r] != ABSENT_TYPE) {
                ids.add(ref.cellIds().get(r));
                vectors.add(embeddings.get("synth01")[r]);
            }
        }
        BruteForceSearch search = new BruteForceSearch(ids, vectors.toArray(new float[0][]), 1);
        List<Double> minDists = new ArrayList<>();
        for (int r = 0; r < held.cells(); r++) {
            if (held.truth().cellType()[r] != ABSENT_TYPE) {
                List<Hit> h = search.nearest(embeddings.get("synth02")[r], 1);
                minDists.add(h.get(0).distance());
            }
        }
        minDists.sort(Double::compare);
        return minDists.get((int) Math.floor(0.99 * (minDists.size() - 1)));
    }

    /** Row slice of a CSR batch. */
    public static CsrBatch slice(CsrBatch b, int from, int to) {
        int start = b.indptr()[from];
        int end = b.indptr()[to];
        int[] indptr = new int[to - from + 1];
        for (int r = from; r <= to; r++) {
            indptr[r - from] = b.indptr()[r] - start;
        }
        return new CsrBatch(
                to - from,
                b.cols(),
                indptr,
                Arrays.copyOfRange(b.indices(), start, end),
                Arrays.copyOfRange(b.values(), start, end));
    }

    private static float[][] embed(ScimilarityEncoder encoder, CsrBatch counts) {
        float[] flat = encoder.embed(LogNormalizer.lognorm(counts));
        int d = encoder.latentDim();
        float[][] out = new float[counts.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    /**
     * A SCimilarity-shaped encoder (one hidden layer) with seeded Gaussian weights whose BatchNorm holds
     * the mean and variance of the hidden layer over the reference cells, as training would leave it:
     * the embedding is then a random projection of the centred expression, which keeps types apart.
     */
    static ModelFolder randomModel(List<String> genes, long seed, boolean[] informative, List<CsrBatch> reference) {
        Architecture arch = new Architecture(genes.size(), List.of(256), LATENT);
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : arch.encoderShapes().entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (name.endsWith("num_batches_tracked")) {
                t.put(name, Tensor.ofLongs(shape, new long[] {0}));
                continue;
            }
            float[] v = new float[n];
            if (name.endsWith("running_var") || (name.endsWith(".weight") && shape.length == 1 && !isPrelu(name))) {
                Arrays.fill(v, 1f);
            } else if (isPrelu(name)) {
                Arrays.fill(v, 0.25f);
            } else if (name.equals("network.0.1.weight")) {
                // a trained first layer weighs the informative genes; here: the marker genes only
                double sd = 1.0 / Math.sqrt(shape[1]);
                for (int i = 0; i < n; i++) {
                    double x = nextGaussian(rnd) * sd;
                    v[i] = informative[i % shape[1]] ? (float) x : 0f;
                }
            } else if (name.endsWith(".weight")) {
                double sd = 1.0 / Math.sqrt(shape[1]);
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (nextGaussian(rnd) * sd);
                }
            }
            t.put(name, Tensor.ofFloats(shape, v));
        }
        java.nio.FloatBuffer wb = t.get("network.0.1.weight").floats();
        float[] w = new float[wb.remaining()];
        wb.get(w);
        int width = 256;
        int in = genes.size();
        double[] sum = new double[width];
        double[] sumSq = new double[width];
        long n = 0;
        for (CsrBatch b : reference) {
            for (int r = 0; r < b.rows(); r++) {
                double[] h = new double[width];
                for (int p = b.indptr()[r]; p < b.indptr()[r + 1]; p++) {
                    int g = b.indices()[p];
                    float x = b.values()[p];
                    for (int j = 0; j < width; j++) {
                        h[j] += w[j * in + g] * x;
                    }
                }
                for (int j = 0; j < width; j++) {
                    sum[j] += h[j];
                    sumSq[j] += h[j] * h[j];
                }
                n++;
            }
        }
        float[] mean = new float[width];
        float[] var = new float[width];
        for (int j = 0; j < width; j++) {
            mean[j] = (float) (sum[j] / n);
            var[j] = (float) Math.max(1e-3, sumSq[j] / n - (sum[j] / n) * (sum[j] / n));
        }
        t.put("network.0.2.running_mean", Tensor.ofFloats(new int[] {width}, mean));
        t.put("network.0.2.running_var", Tensor.ofFloats(new int[] {width}, var));
        return ModelFolder.of(genes, new StateDict(t), null, Map.of(), null);
    }

    private static boolean[] markerGenes(SyntheticStudyGenerator generator) {
        boolean[] out = new boolean[GENES];
        for (int t = 0; t < TYPES; t++) {
            for (int g : generator.model().markers(t)) {
                out[g] = true;
            }
        }
        return out;
    }

    private static boolean isPrelu(String name) {
        // network.<i>.3.weight is the PReLU of hidden block i (Dropout, Linear, BatchNorm, PReLU)
        return name.matches("network\\.\\d+\\.3\\.weight");
    }

    private static double nextGaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** The label KnnVote calls unknown cells. */
    public static String unknown() {
        return KnnVote.UNKNOWN;
    }
}
