package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.CopiedStudy;
import org.liveatlas.query.testing.StackEndpoints;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

/**
 * The in-memory reference follows the atlas: a reference study indexed after the API started votes within
 * seconds of its {@code StudyStatus}, leaves when withdrawn, and two studies naming one type differently but
 * sharing a Cell Ontology id vote together.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class ReferenceIndexIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static final String STUDY = "synth05";
    static final String VERSION = "sha256:" + "5".repeat(64);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StackEndpoints stack;

    @Test
    void aStudyIndexedAfterStartVotesWithinSecondsSharesItsOntologyIdsVotesAndLeavesWhenWithdrawn() throws Exception {
        Path dir = Files.createTempDirectory("reference-it-");
        Path query = ATLAS.writeQuery(dir.resolve("query.h5ad"), 0, 150);
        List<String> absent = absentCells();
        assertThat(absent).isNotEmpty();
        // before: the public reference lacks the absent type, so the outsider's absent cells are unknown
        assertThat(fraction(annotate(OUTSIDER_KEY, query), absent, "label", SyntheticAtlas.unknown()))
                .isGreaterThanOrEqualTo(0.9);

        // a public study holding the private study's cells of the absent type, under another author label and the
        // same Cell Ontology id, indexed as the pipeline does, then announced
        SyntheticStudy priv = ATLAS.study(SyntheticAtlas.PRIVATE_STUDY);
        List<Integer> rows = CopiedStudy.sourceRows(Integer.MAX_VALUE);
        String ontologyId = priv.obs().get(SyntheticStudy.CELL_TYPE_ONTOLOGY_ID).get(rows.get(0));
        CopiedStudy copy = new CopiedStudy(STUDY, VERSION, "Classical Monocytes (CD14+)", ontologyId, null, null);
        copy.index(stack, rows);
        long t0 = System.nanoTime();
        CopiedStudy.announce(
                stack,
                StudyStatus.class.cast(new StudyStatus(
                        1,
                        StudyStatus.EVENT_TYPE,
                        STUDY,
                        VERSION,
                        StudyState.INDEXED,
                        Instant.now(),
                        SyntheticAtlas.MODEL_VERSION,
                        null,
                        new CellCounts(null, absent.size(), absent.size(), absent.size(), absent.size()),
                        null)));
        try {
            followsTheStudy(query, absent, ontologyId, t0);
        } finally {
            // withdrawn: its cells leave the index and the votes (also after a failed assertion, so that the other
            // tests meet the atlas as it was)
            copy.delete(stack, rows, false);
            CopiedStudy.announce(stack, StudyStatus.simple(STUDY, VERSION, StudyState.WITHDRAWN, Instant.now()));
        }
        long t1 = System.nanoTime();
        until(() -> annotate(OUTSIDER_KEY, query), r -> fraction(r, absent, "label", SyntheticAtlas.unknown()) >= 0.9);
        System.out.printf(
                "[reference] study %s left the votes %.1f s after its withdrawal%n",
                STUDY, (System.nanoTime() - t1) / 1e9);
        Response reference = as(OUTSIDER_KEY).get("/v1/reference");
        assertThat(reference.statusCode()).as(reference.asString()).isEqualTo(200);
        assertThat(reference.jsonPath().getList("references.model_version")).contains(SyntheticAtlas.MODEL_VERSION);
        assertThat(reference.jsonPath().getList("references[0].studies"))
                .doesNotContain(STUDY, SyntheticAtlas.PRIVATE_STUDY);
    }

    private void followsTheStudy(Path query, List<String> absent, String ontologyId, long t0) throws Exception {
        // voted by its Cell Ontology id (named by the ontology, or by the most used author label where the
        // committed extract lacks the term)
        Response voted = until(
                () -> annotate(OUTSIDER_KEY, query), r -> fraction(r, absent, "label_ontology_id", ontologyId) >= 0.9);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[reference] study %s voted %.1f s after its StudyStatus%n", STUDY, seconds);
        assertThat(seconds).as("voted with within seconds").isLessThan(30);
        assertThat(fraction(voted, absent, "voted_label_ontology_id", ontologyId))
                .isGreaterThanOrEqualTo(0.9);

        // the member sees both the private study ("classical monocyte") and the copy: one id, one vote (vs_all 1),
        // where split author labels would give each about half the votes
        Response member = annotate(MEMBER_KEY, query);
        List<String> ids = member.jsonPath().getList("cells.cell_id");
        List<Float> vsAll = member.jsonPath().getList("cells.vs_all", Float.class);
        for (int i = 0; i < ids.size(); i++) {
            if (absent.contains(ids.get(i))) {
                assertThat(vsAll.get(i)).as(ids.get(i)).isGreaterThanOrEqualTo(0.9f);
            }
        }
        assertThat(fraction(member, absent, "voted_label_ontology_id", ontologyId))
                .isGreaterThanOrEqualTo(0.9);
    }

    private static List<String> absentCells() {
        SyntheticStudy q = ATLAS.study(SyntheticAtlas.QUERY_STUDY);
        List<String> out = new ArrayList<>();
        for (int r = 0; r < 150; r++) {
            if (ATLAS.label(SyntheticAtlas.QUERY_STUDY, r).equals(ATLAS.absentLabel())) {
                out.add(q.cellIds().get(r));
            }
        }
        return out;
    }

    private static Response annotate(String key, Path file) {
        Response r = as(key).multiPart("file", file.toFile()).when().post("/v1/annotate");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r;
    }

    private static double fraction(Response r, List<String> cells, String field, String value) {
        List<String> ids = r.jsonPath().getList("cells.cell_id");
        List<String> values = r.jsonPath().getList("cells." + field);
        int n = 0;
        int hit = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (cells.contains(ids.get(i))) {
                n++;
                hit += value.equals(values.get(i)) ? 1 : 0;
            }
        }
        return n == 0 ? 0 : (double) hit / n;
    }

    private static Response until(java.util.function.Supplier<Response> call, Predicate<Response> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Response last = call.get();
        while (!done.test(last)) {
            assertThat(System.nanoTime())
                    .as("the reference did not follow within 60 s: " + last.asString())
                    .isLessThan(deadline);
            Thread.sleep(250);
            last = call.get();
        }
        return last;
    }
}
