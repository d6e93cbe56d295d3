package org.liveatlas.core.model;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dense tensor of a state dict: a shape and row-major data, float32 or int64.
 *
 * <p>The data is held once and exposed as read-only buffers or copies, because weight matrices are
 * large (the first SCimilarity layer holds 29 million floats). Compares by value.
 */
public final class Tensor {

    /** Element types that SCimilarity checkpoints use: weights in float32, counters in int64. */
    public enum DType {
        F32,
        I64
    }

    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final long[] longs;

    private Tensor(DType dtype, int[] shape, float[] floats, long[] longs) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        long n = numel(this.shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(shape) + " needs " + n + " values, got " + have);
        }
    }

    /** A float32 tensor; {@code data} is taken over (not copied) so that loaders avoid a second copy. */
    public static Tensor ofFloats(int[] shape, float[] data) {
        return new Tensor(DType.F32, shape, Objects.requireNonNull(data, "data"), null);
    }

    /** An int64 tensor; {@code data} is taken over (not copied). */
    public static Tensor ofLongs(int[] shape, long[] data) {
        return new Tensor(DType.I64, shape, null, Objects.requireNonNull(data, "data"));
    }

    /** A float32 tensor holding a copy of {@code data}. */
    public static Tensor copyOf(int[] shape, float[] data) {
        return ofFloats(shape, data.clone());
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar of shape {@code []}). */
    public int size() {
        return (int) numel(shape);
    }

    /** Read-only view of float32 data; fails for an int64 tensor. */
    public FloatBuffer floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F32");
        }
        return FloatBuffer.wrap(floats).asReadOnlyBuffer();
    }

    /** Read-only view of int64 data; fails for a float32 tensor. */
    public LongBuffer longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not I64");
        }
        return LongBuffer.wrap(longs).asReadOnlyBuffer();
    }

    /** A copy of the float32 data. */
    public float[] toFloatArray() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F32");
        }
        return floats.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && Arrays.equals(floats, t.floats)
                && Arrays.equals(longs, t.longs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(floats), Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
