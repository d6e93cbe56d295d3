package org.liveatlas.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.PReLU()}: {@code max(0, x) + a * min(0, x)} with one learnable slope {@code a}
 * shared by all channels, initialised to 0.25.
 *
 * <p>Written here because DJL 0.36's {@code Prelu} is not implemented on the PyTorch engine. The
 * slope is a parameter named {@code alpha} of shape {@code [1]} (as PyTorch's {@code weight}), of
 * type {@code OTHER} with its own constant initialiser, so that a trainer's Xavier initialiser for
 * weights (which rejects such a shape) does not touch it.
 */
public final class PRelu extends AbstractBlock {

    public static final String ALPHA = "alpha";
    private static final float INITIAL_SLOPE = 0.25f;

    private final Parameter alpha;

    public PRelu() {
        alpha = addParameter(Parameter.builder()
                .setName(ALPHA)
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1))
                .optInitializer(new ConstantInitializer(INITIAL_SLOPE))
                .build());
    }

    /** The learnable slope for negative inputs. */
    public Parameter alpha() {
        return alpha;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray a = parameterStore.getValue(alpha, x.getDevice(), training);
        return new NDList(x.maximum(0f).add(x.minimum(0f).mul(a)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
