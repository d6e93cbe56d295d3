package org.liveatlas.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * The parts of SCimilarity's training loss for one batch, as scalar tensors still attached to the
 * autograd graph.
 *
 * @param triplet mean triplet loss over the mined triplets
 * @param mse mean squared reconstruction error over every input value
 * @param mixed {@code w * triplet + (1 - w) * mse}
 * @param l1 the L1 penalty on the encoder's output Linear ({@code l1 * lr * sum |weight| + |bias|}, see
 *     {@link MetricLoss#l1ParameterNames})
 * @param total {@code mixed + l1}: what is differentiated
 * @param nonZeroTriplets triplets with a positive loss
 */
public record LossParts(NDArray triplet, NDArray mse, NDArray mixed, NDArray l1, NDArray total, long nonZeroTriplets) {}
