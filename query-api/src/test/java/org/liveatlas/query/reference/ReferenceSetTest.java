package org.liveatlas.query.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Hit;
import org.liveatlas.core.search.HitFilter;
import org.liveatlas.query.security.Caller;

/** The in-memory reference: harmonised labels, masks inside the search, exact and graph search against brute force. */
class ReferenceSetTest {
    private static final int DIM = 32;
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final ReferenceSet.SearchOptions EXACT = new ReferenceSet.SearchOptions(200, 0.1, 1_000_000, POOL);
    private static final Caller OUTSIDER = new Caller("outsider", Set.of());
    private static final Caller MEMBER = new Caller("member", Set.of("lab-a"));

    @AfterAll
    static void close() {
        POOL.shutdown();
    }

    @Test
    void studiesSharingACellOntologyIdVoteWithOneKeyShownByTheOntologysName() {
        Random rnd = new Random(1);
        ReferenceSet set = ReferenceSet.empty("v1", "cells-v1", CellOntology.bundled())
                .withStudy(study("s1", "public", null, rnd, 10, "CD4 T cell", "CL:0000624"))
                .withStudy(study("s2", "public", null, rnd, 10, "CD4-positive, alpha-beta T cell", "CL_0000624"))
                .withStudy(study("s3", "public", null, rnd, 10, "  b   CELL ", null))
                .withStudy(study("s4", "public", null, rnd, 12, "B cell", null));
        assertThat(set.labels().size()).isEqualTo(2);
        LabelTable.Label cd4 = set.labels().byKey("CL:0000624");
        assertThat(cd4.name()).isEqualTo("CD4-positive, alpha-beta T cell");
        assertThat(cd4.authorLabels()).containsExactlyInAnyOrder("CD4 T cell", "CD4-positive, alpha-beta T cell");
        LabelTable.Label b = set.labels().byKey("b cell");
        assertThat(b.ontologyId()).isNull();
        assertThat(b.name()).isEqualTo("B cell"); // the spelling most cells carry
        // a private study's wording never names a label public studies carry, and a withdrawn one's leaves
        ReferenceSet more = set.withStudy(study("s5", "private", "lab-a", rnd, 50, "B CELL", null));
        assertThat(more.labels().byKey("b cell").name()).isEqualTo("B cell");
        ReferenceSet louder = more.withStudy(study("s6", "public", null, rnd, 40, "b cell", null));
        assertThat(louder.labels().byKey("b cell").name()).isEqualTo("b cell");
        assertThat(louder.withoutStudy("s6").labels().byKey("b cell").name()).isEqualTo("B cell");
        assertThat(louder.withoutStudy("s6").labels().byKey("b cell").authorLabels())
                .doesNotContain("b cell");
        // a safelist names a label by id, ontology name or any author label
        for (String name : List.of("CD4 T cell", "cl:0000624", "CD4-positive, alpha-beta T cell")) {
            boolean[] ok = set.labels().accepted(LabelFilter.safelist(List.of(name)));
            assertThat(ok[set.labels().size() - 2]).as(name).isTrue();
            assertThat(ok[set.labels().size() - 1]).as(name).isFalse();
        }
    }

    @Test
    void exactSearchEqualsBruteForceOverTheCallersVisibleAcceptedCells() {
        Random rnd = new Random(2);
        ReferenceSet set = ReferenceSet.empty("v1", "cells-v1", CellOntology.none())
                .withStudy(study("pub1", "public", null, rnd, 300, "T", null))
                .withStudy(study("priv", "private", "lab-a", rnd, 300, "NK", null))
                .withStudy(study("pub2", "public", null, rnd, 300, "B", null));
        float[][] queries = randomUnit(rnd, 20);
        for (Caller caller : List.of(OUTSIDER, MEMBER)) {
            List<List<Neighbour>> got = set.nearest(queries, 25, caller, LabelFilter.blocklist(List.of("b")), EXACT);
            BruteForce truth = bruteForce(set, caller, Set.of("b"));
            for (int q = 0; q < queries.length; q++) {
                List<Hit> want = truth.search
                        .nearest(new float[][] {queries[q]}, 25, truth.filter)
                        .get(0);
                assertThat(got.get(q)).hasSize(25);
                for (int i = 0; i < 25; i++) {
                    assertThat(got.get(q).get(i).distance())
                            .isCloseTo(want.get(i).distance(), org.assertj.core.data.Offset.offset(1e-5));
                    assertThat(got.get(q).get(i).label())
                            .isEqualTo(truth.labels.get(want.get(i).id()));
                }
                Set<String> labels = new HashSet<>();
                got.get(q).forEach(n -> labels.add(n.label()));
                assertThat(labels).doesNotContain("b");
                if (caller == OUTSIDER) {
                    assertThat(labels).doesNotContain("nk");
                }
            }
        }
    }

    @Test
    void aWithdrawnOrReplacedStudysCellsNeverComeBack() {
        Random rnd = new Random(3);
        StudyRows old = study("s1", "public", null, rnd, 50, "old", null);
        ReferenceSet set = ReferenceSet.empty("v1", "cells-v1", CellOntology.none())
                .withStudy(old)
                .withStudy(study("s2", "public", null, rnd, 50, "kept", null));
        // the same vectors as the old version's, so a leak of old rows would show first
        ReferenceSet replaced = set.withStudy(new StudyRows(
                "s1",
                "v2",
                "public",
                null,
                old.vectors(),
                Collections.nCopies(50, "new"),
                Collections.nCopies(50, null)));
        float[][] queries = old.vectors().subList(0, 5).toArray(new float[0][]);
        for (List<Neighbour> hits : replaced.nearest(queries, 60, OUTSIDER, LabelFilter.none(), EXACT)) {
            assertThat(hits).extracting(Neighbour::label).doesNotContain("old").contains("new", "kept");
        }
        assertThat(replaced.cells()).isEqualTo(100);
        ReferenceSet withdrawn = replaced.withoutStudy("s1");
        assertThat(withdrawn.cells()).isEqualTo(50);
        for (List<Neighbour> hits : withdrawn.nearest(queries, 60, OUTSIDER, LabelFilter.none(), EXACT)) {
            assertThat(hits).extracting(Neighbour::label).containsOnly("kept");
            assertThat(hits).hasSize(50);
        }
        assertThat(set.cells()).as("earlier snapshots keep their view").isEqualTo(100);
    }

    @Test
    void theGraphReachesRecallAt50Of098AgainstExactAndKeepsMasks() {
        Random rnd = new Random(4);
        // clustered unit vectors, as embeddings of cell types are
        float[][] centres = randomUnit(rnd, 40);
        ReferenceSet set = ReferenceSet.empty("v1", "cells-v1", CellOntology.none());
        for (int s = 0; s < 4; s++) {
            List<float[]> v = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                int c = rnd.nextInt(centres.length);
                v.add(near(centres[c], rnd, 0.35));
                labels.add("type" + c);
            }
            set = set.withStudy(new StudyRows(
                    "s" + s,
                    "d" + s,
                    s == 3 ? "private" : "public",
                    s == 3 ? "lab-a" : null,
                    v,
                    labels,
                    Collections.nCopies(v.size(), null)));
        }
        Segment merged = set.merge(set.segments()).withGraph(16, 128, 2, POOL);
        ReferenceSet graph = set.withSegments(set.segments(), merged);
        assertThat(graph.segments()).hasSize(1);
        float[][] queries = new float[200][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = near(centres[rnd.nextInt(centres.length)], rnd, 0.35);
        }
        ReferenceSet.SearchOptions withGraph = new ReferenceSet.SearchOptions(200, 0.1, 1_000_000, POOL);
        for (Caller caller : List.of(OUTSIDER, MEMBER)) {
            List<List<Neighbour>> approx = graph.nearest(queries, 50, caller, LabelFilter.none(), withGraph);
            List<List<Neighbour>> exact = set.nearest(queries, 50, caller, LabelFilter.none(), EXACT);
            double found = 0;
            for (int q = 0; q < queries.length; q++) {
                double kth = exact.get(q).get(49).distance();
                for (Neighbour n : approx.get(q)) {
                    found += n.distance() <= kth + 1e-7 ? 1 : 0;
                }
            }
            double recall = found / (queries.length * 50.0);
            assertThat(recall).as("recall@50 for " + caller.name()).isGreaterThanOrEqualTo(0.98);
        }
        // a narrow safelist falls back to exact search over its rows: every hit is of the listed type
        List<List<Neighbour>> narrow =
                graph.nearest(queries, 10, OUTSIDER, LabelFilter.safelist(List.of("type7")), withGraph);
        List<List<Neighbour>> narrowExact =
                set.nearest(queries, 10, OUTSIDER, LabelFilter.safelist(List.of("type7")), EXACT);
        for (int q = 0; q < queries.length; q++) {
            assertThat(narrow.get(q)).extracting(Neighbour::label).containsOnly("type7");
            assertThat(narrow.get(q).get(0).distance())
                    .isCloseTo(narrowExact.get(q).get(0).distance(), org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    private record BruteForce(BruteForceSearch search, HitFilter filter, java.util.Map<String, String> labels) {}

    private static BruteForce bruteForce(ReferenceSet set, Caller caller, Set<String> blocked) {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        Set<String> accepted = new HashSet<>();
        int n = 0;
        for (Segment s : set.segments()) {
            for (int r = 0; r < s.size(); r++) {
                String id = "r" + n++;
                ids.add(id);
                vectors.add(s.rows[r]);
                String key = set.labels().get(s.labels[r]).key();
                labels.put(id, key);
                int slot = s.slots[r];
                ReferenceSet.Study st = set.studies().values().stream()
                        .filter(x -> x.slot() == slot)
                        .findFirst()
                        .orElse(null);
                if (st != null && caller.maySee(st.visibility(), st.ownerGroup()) && !blocked.contains(key)) {
                    accepted.add(id);
                }
            }
        }
        return new BruteForce(
                new BruteForceSearch(ids, vectors.toArray(new float[0][]), 1), accepted::contains, labels);
    }

    private static StudyRows study(
            String id, String visibility, String owner, Random rnd, int n, String label, String ontologyId) {
        List<float[]> v = new ArrayList<>(List.of(randomUnit(rnd, n)));
        return new StudyRows(
                id, "d-" + id, visibility, owner, v, Collections.nCopies(n, label), Collections.nCopies(n, ontologyId));
    }

    private static float[][] randomUnit(Random rnd, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            out[i] = unit(v);
        }
        return out;
    }

    private static float[] near(float[] centre, Random rnd, double spread) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = centre[d] + (float) (spread * rnd.nextGaussian() / Math.sqrt(DIM) * 3);
        }
        return unit(v);
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float n = (float) Math.sqrt(s);
        for (int d = 0; d < v.length; d++) {
            v[d] /= n;
        }
        return v;
    }
}
