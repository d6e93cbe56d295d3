package org.liveatlas.flink.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;

class ReferenceSetTest {

    @Test
    void votesOverTheKNearestReferenceCellsByCosineDistance() {
        ReferenceSet refs = new ReferenceSet(List.of("A", "A", "B"), new float[] {1, 0, 0.8f, 0.6f, 0, 1});
        CellVote v = refs.vote(new float[] {1, 0}, 1, 2, VoteOptions.defaults().withK(2))
                .get(0);
        assertThat(v.label()).isEqualTo("A");
        assertThat(v.minDist()).isCloseTo(0.0, within(1e-9));
        assertThat(v.maxDist()).isCloseTo(0.2, within(1e-6));
        assertThat(v.vsAll()).isEqualTo(1.0);
    }

    @Test
    void agreesWithTheCoreVoteOverEveryNeighbourSortedByDistance() {
        Random rnd = new Random(3);
        int n = 300;
        int latent = 8;
        List<String> labels = new ArrayList<>();
        float[] vectors = new float[n * latent];
        for (int i = 0; i < n; i++) {
            labels.add("t" + rnd.nextInt(4));
            unit(rnd, vectors, i * latent, latent);
        }
        int rows = 7;
        float[] q = new float[rows * latent];
        for (int r = 0; r < rows; r++) {
            unit(rnd, q, r * latent, latent);
        }
        VoteOptions options = VoteOptions.defaults().withK(25);

        List<CellVote> fast;
        try (ReferenceSet refs = new ReferenceSet(labels, vectors)) {
            fast = refs.vote(q, rows, latent, options);
        }

        for (int r = 0; r < rows; r++) {
            List<Neighbour> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int j = 0; j < latent; j++) {
                    dot += q[r * latent + j] * vectors[i * latent + j];
                }
                all.add(new Neighbour(labels.get(i), Math.max(0, 1 - dot)));
            }
            CellVote slow = KnnVote.vote(all, options);
            assertThat(fast.get(r).label()).isEqualTo(slow.label());
            assertThat(fast.get(r).hits()).isEqualTo(slow.hits());
            assertThat(fast.get(r).minDist()).isCloseTo(slow.minDist(), within(1e-6)); // float32 dot products
            assertThat(fast.get(r).maxDist()).isCloseTo(slow.maxDist(), within(1e-6));
        }
    }

    @Test
    void noReferenceCellsGiveNoVote() {
        assertThat(new ReferenceSet(List.of(), new float[0]).vote(new float[] {1, 0}, 1, 2, VoteOptions.defaults()))
                .containsExactly((CellVote) null);
    }

    private static void unit(Random rnd, float[] out, int off, int n) {
        double norm = 0;
        for (int j = 0; j < n; j++) {
            out[off + j] = (float) rnd.nextGaussian();
            norm += out[off + j] * out[off + j];
        }
        for (int j = 0; j < n; j++) {
            out[off + j] /= (float) Math.sqrt(norm);
        }
    }
}
