package org.liveatlas.trainer.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.AdamW} (betas 0.9/0.999, eps 1e-8, no amsgrad) on DJL arrays, written out so its
 * moments can be checkpointed and the update is exactly PyTorch's: decoupled decay {@code w *= 1 - lr
 * * wd}, then {@code w -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)}. DJL's own {@code
 * Optimizer.adamW()} keeps its state private and places eps differently.
 */
final class AdamW {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final double weightDecay;
    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long step;

    AdamW(List<NDArray> params, double weightDecay) {
        this.params = List.copyOf(params);
        this.weightDecay = weightDecay;
        for (NDArray p : params) {
            m.add(p.zerosLike());
            v.add(p.zerosLike());
        }
    }

    long steps() {
        return step;
    }

    List<NDArray> firstMoments() {
        return m;
    }

    List<NDArray> secondMoments() {
        return v;
    }

    void restore(long steps, List<float[]> first, List<float[]> second) {
        this.step = steps;
        for (int i = 0; i < params.size(); i++) {
            m.get(i).set(first.get(i));
            v.get(i).set(second.get(i));
        }
    }

    /** Whether every accumulated gradient is finite. */
    boolean gradientsFinite() {
        for (NDArray w : params) {
            try (NDArray g = w.getGradient();
                    NDArray bad = g.isNaN().logicalOr(g.isInfinite())) {
                if (bad.any().getBoolean()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Drops the accumulated gradients without an update. */
    void zeroGradients() {
        for (NDArray w : params) {
            try (NDArray g = w.getGradient()) {
                g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // a fill: subtracting NaN keeps NaN
            }
        }
    }

    /** One update with the gradients accumulated on the parameters, which are then zeroed. */
    void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i);
            NDArray g = w.getGradient();
            if (weightDecay > 0) {
                w.muli((float) (1 - lr * weightDecay));
            }
            try (NDArray t = g.mul((float) (1 - BETA1))) {
                m.get(i).muli((float) BETA1).addi(t);
            }
            try (NDArray t = g.square()) {
                v.get(i).muli((float) BETA2).addi(t.muli((float) (1 - BETA2)));
            }
            try (NDArray denom = v.get(i).sqrt();
                    NDArray update =
                            m.get(i).div(denom.divi((float) Math.sqrt(bc2)).addi((float) EPS))) {
                w.subi(update.muli((float) (lr / bc1)));
            }
            g.subi(g);
            g.close();
        }
    }
}
