package org.liveatlas.core.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.Architecture;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;

/**
 * Random full-size models and realistic sparse inputs for the encoder benchmarks. Mirrored by
 * {@code core/bench/reference_encoder_bench.py} so that both sides embed the same-shaped data.
 */
public final class SyntheticEncoderInputs {

    private SyntheticEncoderInputs() {}

    /** A model of {@code arch} with random weights and BatchNorm running statistics, PReLU slopes 0.25. */
    public static ModelFolder randomModel(Architecture arch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : arch.encoderShapes().entrySet()) {
            int[] shape = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            String k = e.getKey();
            if (k.endsWith("num_batches_tracked")) {
                tensors.put(k, Tensor.ofLongs(shape, new long[] {1000}));
                continue;
            }
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] v = new float[n];
            double scale = shape.length == 2 ? 1.0 / Math.sqrt(shape[1]) : 1.0;
            for (int i = 0; i < n; i++) {
                double u = rnd.nextDouble() * 2 - 1;
                v[i] = (float)
                        (k.endsWith("running_var")
                                ? 0.5 + Math.abs(u)
                                : k.endsWith("running_mean") || k.endsWith("bias") ? 0.1 * u : scale * u);
            }
            if (shape.length == 1 && k.endsWith(".3.weight")) {
                Arrays.fill(v, 0.25f); // PReLU slope
            } else if (shape.length == 1 && k.endsWith(".2.weight")) {
                Arrays.fill(v, 1f); // BatchNorm scale
            }
            tensors.put(k, Tensor.ofFloats(shape, v));
        }
        List<String> genes = new ArrayList<>(arch.nGenes());
        for (int g = 0; g < arch.nGenes(); g++) {
            genes.add("G" + g);
        }
        return ModelFolder.of(genes, new StateDict(tensors), null, Map.of(), null);
    }

    /**
     * {@code cells} cells over {@code genes} genes with about {@code detected} detected genes each.
     * Genes differ in how often they are detected (a few in most cells, many rarely), as in real
     * data; values are lognorm-like: log1p(count / library size * 10,000).
     */
    public static CsrBatch lognormCells(int cells, int genes, int detected, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        // Detection probability ~ 1 / (1 + rank / 400), scaled to the requested mean, capped at 0.95.
        double[] p = new double[genes];
        double sum = 0;
        for (int g = 0; g < genes; g++) {
            p[g] = 1.0 / (1.0 + g / 400.0);
            sum += p[g];
        }
        double c = detected / sum;
        for (int pass = 0; pass < 20; pass++) { // refit the scale after capping
            double s = 0;
            for (int g = 0; g < genes; g++) {
                s += Math.min(0.95, c * p[g]);
            }
            c *= detected / s;
        }
        int[] position = new int[genes]; // popular genes spread over the gene order
        for (int g = 0; g < genes; g++) {
            position[g] = g;
        }
        for (int g = genes - 1; g > 0; g--) {
            int j = rnd.nextInt(g + 1);
            int t = position[g];
            position[g] = position[j];
            position[j] = t;
        }
        double[] byColumn = new double[genes];
        for (int g = 0; g < genes; g++) {
            byColumn[position[g]] = Math.min(0.95, c * p[g]);
        }
        int[] indptr = new int[cells + 1];
        int[] idx = new int[cells * detected * 2];
        float[] val = new float[idx.length];
        int nnz = 0;
        int[] counts = new int[genes];
        for (int r = 0; r < cells; r++) {
            int start = nnz;
            long library = 0;
            for (int g = 0; g < genes; g++) {
                if (rnd.nextDouble() < byColumn[g]) {
                    int k = 1;
                    while (rnd.nextDouble() < 0.45) {
                        k++;
                    }
                    counts[nnz - start] = k;
                    library += k;
                    idx[nnz++] = g;
                }
            }
            for (int q = start; q < nnz; q++) {
                val[q] = (float) Math.log1p(counts[q - start] * 1e4 / library);
            }
            indptr[r + 1] = nnz;
        }
        return new CsrBatch(cells, genes, indptr, Arrays.copyOf(idx, nnz), Arrays.copyOf(val, nnz));
    }
}
