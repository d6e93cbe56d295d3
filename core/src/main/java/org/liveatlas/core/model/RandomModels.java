package org.liveatlas.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Models of seeded random weights in the exact SCimilarity layout: what the platform runs before a
 * trained model exists, and what tests and benchmarks embed with. Linear weights are drawn with
 * PyTorch's default scale (1/sqrt(fan in)); BatchNorm running statistics and affine terms are
 * perturbed around identity so that eval-mode BatchNorm is exercised; PReLU slopes are 0.25.
 */
public final class RandomModels {
    private RandomModels() {}

    /** An encoder state dict for {@code arch} drawn from {@code seed}. */
    public static StateDict encoder(Architecture arch, long seed) {
        return draw(arch.encoderShapes(), new SplittableRandom(seed));
    }

    /** A decoder state dict for {@code arch} drawn from {@code seed}. */
    public static StateDict decoder(Architecture arch, long seed) {
        return draw(arch.decoderShapes(), new SplittableRandom(seed ^ 0x5DEECE66DL));
    }

    /**
     * A model folder (encoder and decoder) over {@code genes}.
     *
     * @param version the version written into the manifest when the folder is saved
     */
    public static ModelFolder folder(List<String> genes, List<Integer> hidden, int latent, long seed) {
        Architecture arch = new Architecture(genes.size(), hidden, latent);
        return ModelFolder.of(genes, encoder(arch, seed), decoder(arch, seed), Map.of(), null);
    }

    private static StateDict draw(Map<String, List<Integer>> shapes, SplittableRandom rnd) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : shapes.entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            if (name.endsWith("num_batches_tracked")) {
                tensors.put(name, Tensor.ofLongs(shape, new long[] {0}));
                continue;
            }
            int n = 1;
            for (int s : shape) {
                n = Math.multiplyExact(n, s);
            }
            float[] data = new float[n];
            boolean linearWeight = shape.length == 2;
            boolean prelu = shape.length == 1 && shape[0] == 1;
            double scale = linearWeight ? 1.0 / Math.sqrt(shape[1]) : 0.1;
            for (int i = 0; i < n; i++) {
                if (name.endsWith("running_var")) {
                    data[i] = (float) (0.5 + rnd.nextDouble());
                } else if (name.endsWith("running_mean")) {
                    data[i] = (float) (0.1 * gaussian(rnd));
                } else if (prelu) {
                    data[i] = 0.25f;
                } else if (linearWeight) {
                    data[i] = (float) ((2 * rnd.nextDouble() - 1) * scale);
                } else if (name.endsWith(".weight")) {
                    data[i] = (float) (1 + 0.1 * gaussian(rnd)); // BatchNorm gamma
                } else {
                    data[i] = (float) (0.1 * gaussian(rnd)); // biases, BatchNorm beta
                }
            }
            tensors.put(name, Tensor.ofFloats(shape, data));
        }
        return new StateDict(tensors);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: deterministic across JVMs, unlike java.util.Random's cached pair
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
