package org.liveatlas.flink.index;

import java.util.ArrayList;
import java.util.List;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;

/**
 * Labelled reference cells held in memory for an exact k-nearest vote: cosine distance {@code 1 - a.b} on unit
 * vectors, the k smallest per query cell, then {@link KnnVote}. A null vote where there is no reference cell.
 */
final class ReferenceSet {
    private final List<String> labels;
    private final float[] vectors;

    ReferenceSet(List<String> labels, float[] vectors) {
        this.labels = List.copyOf(labels);
        this.vectors = vectors;
    }

    int size() {
        return labels.size();
    }

    List<CellVote> vote(float[] queries, int rows, int latent, VoteOptions options) {
        List<CellVote> out = new ArrayList<>(rows);
        int n = labels.size();
        int k = Math.min(options.k(), n);
        double[] best = new double[k];
        int[] bestIdx = new int[k];
        for (int r = 0; r < rows; r++) {
            if (n == 0) {
                out.add(null);
                continue;
            }
            int filled = 0;
            int qo = r * latent;
            for (int i = 0; i < n; i++) {
                double d = Math.max(0.0, 1.0 - dot(queries, qo, vectors, i * latent, latent));
                if (filled < k) {
                    insert(best, bestIdx, filled++, d, i);
                } else if (d < best[k - 1]) {
                    insert(best, bestIdx, k - 1, d, i);
                }
            }
            List<Neighbour> neighbours = new ArrayList<>(filled);
            for (int i = 0; i < filled; i++) {
                if (!labels.get(bestIdx[i]).isEmpty()) {
                    neighbours.add(new Neighbour(labels.get(bestIdx[i]), best[i]));
                }
            }
            out.add(neighbours.isEmpty() ? null : KnnVote.vote(neighbours, options));
        }
        return out;
    }

    /** Dot product with four independent float accumulators (lets the JIT pipeline and vectorise it). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
        }
        for (; j < n; j++) {
            s0 += a[ao + j] * b[bo + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Inserts (d, i) into the sorted prefix ending at {@code pos}, shifting larger entries right. */
    private static void insert(double[] best, int[] idx, int pos, double d, int i) {
        int p = pos;
        while (p > 0 && best[p - 1] > d) {
            best[p] = best[p - 1];
            idx[p] = idx[p - 1];
            p--;
        }
        best[p] = d;
        idx[p] = i;
    }
}
