package org.liveatlas.trainer.mining;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.ontology.CellOntology;

class TripletMinerTest {

    private static final boolean[][] EQUALITY_3 =
            TripletMiner.relatedLabels(List.of("a", "b", "c"), CellOntology.none());

    /** Symmetric squared-distance matrix from an upper-triangle listing. */
    private static double[] matrix(int n, double[][] entries) {
        double[] d = new double[n * n];
        for (double[] e : entries) {
            int i = (int) e[0];
            int j = (int) e[1];
            d[i * n + j] = e[2];
            d[j * n + i] = e[2];
        }
        return d;
    }

    // rows: 0,1 label a (studies 0,1); 2,3,4 label b; all distances from anchor 0 given
    private static final double[] D = matrix(5, new double[][] {
        {0, 1, 0.50}, // d2(a,p) = 0.5
        {0, 2, 0.40}, // lv = 0.15: harder than the margin (not semi-hard)
        {0, 3, 0.52}, // lv = 0.03: semi-hard
        {0, 4, 0.54}, // lv = 0.01: semi-hard, farther
        {1, 2, 1},
        {1, 3, 1},
        {1, 4, 1},
        {2, 3, 1},
        {2, 4, 1},
        {3, 4, 1}
    });
    private static final int[] LABELS = {0, 0, 1, 1, 1};
    private static final int[] STUDIES = {0, 1, 0, 0, 0};

    @Test
    void semihardPicksOnlyNegativesInsideTheMarginBand() {
        TripletMiner miner = new TripletMiner(0.05, NegativeSelection.SEMIHARD, true);
        Set<Integer> chosen = new HashSet<>();
        Random rng = new Random(11);
        for (int draw = 0; draw < 50; draw++) {
            Triplets t = miner.mine(D, LABELS, STUDIES, EQUALITY_3, rng);
            assertThat(t.size()).isEqualTo(1);
            assertThat(t.get(0)[0]).isEqualTo(0);
            assertThat(t.get(0)[1]).isEqualTo(1);
            chosen.add(t.get(0)[2]);
            assertThat(t.hard()).isEqualTo(3);
            assertThat(t.viable()).isEqualTo(3);
        }
        assertThat(chosen).containsExactlyInAnyOrder(3, 4);
    }

    @Test
    void semihardNearestPicksTheClosestNegativeFartherThanThePositive() {
        Triplets t = new TripletMiner(0.05, NegativeSelection.SEMIHARD_NEAREST, true)
                .mine(D, LABELS, STUDIES, EQUALITY_3, new Random(1));
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.get(0)).containsExactly(0, 1, 3);
    }

    @Test
    void hardestPicksTheLargestLossValue() {
        Triplets t = new TripletMiner(0.05, NegativeSelection.HARDEST, true)
                .mine(D, LABELS, STUDIES, EQUALITY_3, new Random(1));
        assertThat(t.get(0)).containsExactly(0, 1, 2);
    }

    @Test
    void randomPicksAmongEveryNegativeWithPositiveLoss() {
        TripletMiner miner = new TripletMiner(0.05, NegativeSelection.RANDOM, true);
        Set<Integer> chosen = new HashSet<>();
        for (int seed = 0; seed < 60; seed++) {
            chosen.add(
                    miner.mine(D, LABELS, STUDIES, EQUALITY_3, new Random(seed)).get(0)[2]);
        }
        assertThat(chosen).containsExactlyInAnyOrder(2, 3, 4);
    }

    @Test
    void noTripletWhenEveryNegativeIsBeyondTheMargin() {
        double[] far = matrix(3, new double[][] {{0, 1, 0.1}, {0, 2, 1.0}, {1, 2, 1.0}});
        for (NegativeSelection s : NegativeSelection.values()) {
            Triplets t = new TripletMiner(0.05, s, true)
                    .mine(far, new int[] {0, 0, 1}, new int[] {0, 1, 0}, EQUALITY_3, new Random(0));
            assertThat(t.size()).as(s.name()).isZero();
            assertThat(t.hard()).isZero();
            assertThat(t.viable()).isEqualTo(1);
        }
    }

    @Test
    void positivesComeFromDifferentStudiesUnlessDisabled() {
        // label a: rows 0, 1 (study 0) and 2 (study 1); label b: row 3, close to everything
        double[] d = matrix(
                4, new double[][] {{0, 1, 0.2}, {0, 2, 0.2}, {1, 2, 0.2}, {0, 3, 0.1}, {1, 3, 0.1}, {2, 3, 0.1}});
        int[] labels = {0, 0, 0, 1};
        int[] studies = {0, 0, 1, 0};
        Triplets cross = new TripletMiner(0.05, NegativeSelection.HARDEST, true)
                .mine(d, labels, studies, EQUALITY_3, new Random(0));
        assertThat(cross.size()).isEqualTo(2);
        assertThat(cross.get(0)).containsExactly(0, 2, 3);
        assertThat(cross.get(1)).containsExactly(1, 2, 3);
        Triplets within = new TripletMiner(0.05, NegativeSelection.HARDEST, false)
                .mine(d, labels, studies, EQUALITY_3, new Random(0));
        assertThat(within.size()).isEqualTo(3);
        assertThat(within.get(0)).containsExactly(0, 1, 3);
    }

    @Test
    void ontologyRelativesAreNeverNegatives() {
        CellOntology onto = CellOntology.parse(
                List.of(
                        "[Term]",
                        "id: CL:1",
                        "name: leukocyte",
                        "[Term]",
                        "id: CL:2",
                        "name: T cell",
                        "is_a: CL:1 ! leukocyte",
                        "[Term]",
                        "id: CL:3",
                        "name: CD4 T cell",
                        "is_a: CL:2",
                        "[Term]",
                        "id: CL:4",
                        "name: B cell",
                        "is_a: CL:1"),
                "test.obo");
        // labels: 0 = T cell (rows 0, 1), 1 = CD4 T cell (row 2, nearest), 2 = leukocyte (row 3), 3 = B cell (row 4)
        boolean[][] related = TripletMiner.relatedLabels(List.of("CL:2", "CL:3", "CL:1", "CL:4"), onto);
        double[] d = matrix(5, new double[][] {
            {0, 1, 0.5},
            {0, 2, 0.1},
            {0, 3, 0.1},
            {0, 4, 0.48},
            {1, 2, 1},
            {1, 3, 1},
            {1, 4, 1},
            {2, 3, 1},
            {2, 4, 1},
            {3, 4, 1}
        });
        Triplets t = new TripletMiner(0.05, NegativeSelection.HARDEST, true)
                .mine(d, new int[] {0, 0, 1, 2, 3}, new int[] {0, 1, 0, 0, 0}, related, new Random(0));
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.get(0)).containsExactly(0, 1, 4);
        assertThat(t.viable()).isEqualTo(1);

        Triplets flat = new TripletMiner(0.05, NegativeSelection.HARDEST, true)
                .mine(
                        d,
                        new int[] {0, 0, 1, 2, 3},
                        new int[] {0, 1, 0, 0, 0},
                        TripletMiner.relatedLabels(List.of("T", "CD4", "leuko", "B"), CellOntology.none()),
                        new Random(0));
        assertThat(flat.get(0)).containsExactly(0, 1, 2);
        assertThat(flat.viable()).isEqualTo(3);
    }

    @Test
    void hardestMatchesScimilaritysSelectorOnARandomBatch() throws IOException {
        JsonNode f;
        try (InputStream in = getClass().getResourceAsStream("/loss/loss_fixture.json")) {
            f = new ObjectMapper().readTree(in).get("miner");
        }
        int n = f.get("n").asInt();
        int dim = f.get("dim").asInt();
        double[] x = new double[n * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.get("embeddings").get(i).asDouble();
        }
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < dim; k++) {
                    double diff = x[i * dim + k] - x[j * dim + k];
                    s += diff * diff;
                }
                d[i * n + j] = s;
            }
        }
        int[] labels = new int[n];
        int[] studies = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = f.get("labels").get(i).asInt();
            studies[i] = f.get("studies").get(i).asInt();
        }
        Triplets t = new TripletMiner(0.05, NegativeSelection.HARDEST, true)
                .mine(d, labels, studies, EQUALITY_3, new Random(0));
        JsonNode expected = f.get("hardest_triplets");
        assertThat(t.size()).isEqualTo(expected.size());
        for (int i = 0; i < t.size(); i++) {
            assertThat(t.get(i))
                    .containsExactly(
                            expected.get(i).get(0).asInt(),
                            expected.get(i).get(1).asInt(),
                            expected.get(i).get(2).asInt());
        }
        assertThat(t.hard()).isEqualTo(f.get("hard").asLong());
        assertThat(t.viable()).isEqualTo(f.get("viable").asLong());
    }
}
