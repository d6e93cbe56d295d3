package org.liveatlas.core.encoder;

import java.util.Objects;

/**
 * How an {@link ScimilarityEncoder} runs.
 *
 * @param device where to run; default {@link DeviceOption#AUTO}
 * @param batchSize cells per forward pass; default 1,024 (SCimilarity uses 10,000; smaller batches
 *     keep the dense input buffer small at no cost in throughput)
 * @param firstLayer dense or sparse first layer; default {@link FirstLayer#AUTO}
 * @param sparseMaxDensity with {@code AUTO}, the largest fraction of non-zero inputs for which the
 *     sparse first layer is used; default 0.2 (SCimilarity inputs are about 0.07)
 * @param threads CPU threads of the sparse first layer; default: the available processors
 * @param torchThreads PyTorch intra-op threads (global to the JVM: the last encoder opened sets
 *     them); default 1. With the sparse first layer PyTorch does a small part of the work, and its
 *     threads wait on each other at every operation's barrier: on a busy CPU (other subtasks,
 *     other processes) 2 threads were 2-4x slower than 1 in our measurements (core/README.md).
 *     Raise it for the dense path on a dedicated CPU
 */
public record EncoderOptions(
        DeviceOption device,
        int batchSize,
        FirstLayer firstLayer,
        double sparseMaxDensity,
        int threads,
        int torchThreads) {

    public static final int DEFAULT_BATCH_SIZE = 1024;
    public static final double DEFAULT_SPARSE_MAX_DENSITY = 0.2;

    public EncoderOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(firstLayer, "firstLayer");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (!(sparseMaxDensity >= 0 && sparseMaxDensity <= 1)) {
            throw new IllegalArgumentException("sparseMaxDensity must be in [0, 1], got " + sparseMaxDensity);
        }
        if (threads < 1 || torchThreads < 1) {
            throw new IllegalArgumentException(
                    "threads and torchThreads must be >= 1, got " + threads + " and " + torchThreads);
        }
    }

    /** The defaults described above. */
    public static EncoderOptions defaults() {
        return new EncoderOptions(
                DeviceOption.AUTO,
                DEFAULT_BATCH_SIZE,
                FirstLayer.AUTO,
                DEFAULT_SPARSE_MAX_DENSITY,
                Runtime.getRuntime().availableProcessors(),
                1);
    }

    public EncoderOptions withDevice(DeviceOption value) {
        return new EncoderOptions(value, batchSize, firstLayer, sparseMaxDensity, threads, torchThreads);
    }

    public EncoderOptions withBatchSize(int value) {
        return new EncoderOptions(device, value, firstLayer, sparseMaxDensity, threads, torchThreads);
    }

    public EncoderOptions withFirstLayer(FirstLayer value) {
        return new EncoderOptions(device, batchSize, value, sparseMaxDensity, threads, torchThreads);
    }

    public EncoderOptions withSparseMaxDensity(double value) {
        return new EncoderOptions(device, batchSize, firstLayer, value, threads, torchThreads);
    }

    /** The sparse layer's threads. */
    public EncoderOptions withThreads(int value) {
        return new EncoderOptions(device, batchSize, firstLayer, sparseMaxDensity, value, torchThreads);
    }

    /** PyTorch's intra-op threads only. */
    public EncoderOptions withTorchThreads(int value) {
        return new EncoderOptions(device, batchSize, firstLayer, sparseMaxDensity, threads, value);
    }
}
