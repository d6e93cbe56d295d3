package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OTHER_GROUP;
import static org.liveatlas.query.testing.AtlasTestResource.OTHER_MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.CopiedStudy;
import org.liveatlas.query.testing.ModelPublishing;
import org.liveatlas.query.testing.StackEndpoints;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

/**
 * Two owner groups, each with a private reference study: lab-a's {@code synth03} and lab-b's {@code labb01}
 * (copies of synth03's cells under their own label, tissue and disease, indexed and announced as the pipeline
 * does). Through every endpoint (nearest, radius, centroid, where, studies, atlas summary, annotation and its
 * reference, expression) neither group sees the other's cells, counts or labels, and an outsider sees neither.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class OwnerGroupsIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static final String LAB_A = SyntheticAtlas.PRIVATE_STUDY;
    static final String LAB_B = "labb01";
    static final String LAB_B_LABEL = "lab-b only type";
    static final String LAB_B_TISSUE = "marrow";
    static final String VERSION = "sha256:" + "b".repeat(64);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Each caller's key and the private study it may see (none for the outsider). */
    static final Map<String, String> OWN = Map.of(MEMBER_KEY, LAB_A, OTHER_MEMBER_KEY, LAB_B, OUTSIDER_KEY, "");

    @Inject
    StackEndpoints stack;

    static final CopiedStudy COPY = new CopiedStudy(LAB_B, VERSION, LAB_B_LABEL, null, OTHER_GROUP, LAB_B_TISSUE);

    @Test
    void neitherGroupSeesTheOthersCellsCountsOrLabelsThroughAnyEndpoint() throws Exception {
        List<Integer> rows = CopiedStudy.sourceRows(40);
        COPY.index(stack, rows);
        COPY.indexStudyDocument(stack, rows.size());
        Path dir = Files.createTempDirectory("owner-groups-");
        try {
            CopiedStudy.announce(
                    stack,
                    new StudyStatus(
                            1,
                            StudyStatus.EVENT_TYPE,
                            LAB_B,
                            VERSION,
                            StudyState.INDEXED,
                            Instant.now(),
                            SyntheticAtlas.MODEL_VERSION,
                            null,
                            new CellCounts(null, rows.size(), rows.size(), rows.size(), rows.size()),
                            null));
            // lab-b's reference votes once the API has read it
            Path query = ATLAS.writeQuery(dir.resolve("q.h5ad"), 0, 150);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!annotate(OTHER_MEMBER_KEY, query)
                    .jsonPath()
                    .getList("cells.voted_label")
                    .contains(LAB_B_LABEL)) {
                assertThat(System.nanoTime())
                        .as("lab-b's reference never voted")
                        .isLessThan(deadline);
                Thread.sleep(250);
            }
            float[] probe = ATLAS.embedding(LAB_A, rows.get(0));
            for (Map.Entry<String, String> caller : OWN.entrySet()) {
                String key = caller.getKey();
                Set<String> hidden = new HashSet<>(Set.of(LAB_A, LAB_B));
                hidden.remove(caller.getValue());
                String who = key.equals(OUTSIDER_KEY) ? "outsider" : "owner of " + caller.getValue();

                Set<String> nearest = studies(
                        post(key, "/v1/search/nearest", Map.of("embeddings", List.of(probe), "k", 500)),
                        "results[0].hits.cell.study_id");
                Set<String> radius = studies(
                        post(key, "/v1/search/radius", Map.of("embeddings", List.of(probe), "max_dist", 2.0)),
                        "results[0].hits.cell.study_id");
                Set<String> centroid = studies(
                        post(key, "/v1/search/centroid", Map.of("embeddings", List.of(probe), "k", 500)),
                        "hits.cell.study_id");
                for (Set<String> seen : List.of(nearest, radius, centroid)) {
                    assertThat(seen).as(who).doesNotContainAnyElementsOf(hidden);
                    if (!caller.getValue().isEmpty()) {
                        assertThat(seen).as(who + " finds its own study").contains(caller.getValue());
                    }
                }
                Response where = post(key, "/v1/where", Map.of("label", LAB_B_LABEL));
                assertThat(where.jsonPath().getLong("total_hits"))
                        .as(who + ": cells of lab-b's label")
                        .isEqualTo(key.equals(OTHER_MEMBER_KEY) ? rows.size() : 0L);
                Response tissues = post(key, "/v1/where", Map.of("embeddings", List.of(probe), "k", 500));
                assertThat(tissues.jsonPath()
                                .getList("by_tissue.key", String.class)
                                .contains(LAB_B_TISSUE))
                        .as(who + ": lab-b's tissue among the groups")
                        .isEqualTo(key.equals(OTHER_MEMBER_KEY));
                assertThat(tissues.jsonPath().getList("by_study.key", String.class))
                        .as(who)
                        .doesNotContainAnyElementsOf(hidden);

                List<String> listed = as(key).get("/v1/studies").jsonPath().getList("studies.study.study_id");
                assertThat(listed).as(who).doesNotContainAnyElementsOf(hidden);
                for (String study : hidden) {
                    assertThat(as(key).get("/v1/studies/" + study).statusCode())
                            .as(who + " " + study)
                            .isEqualTo(404);
                }
                Response summary = as(key).get("/v1/atlas");
                assertThat(summary.jsonPath().getMap("labels").containsKey(LAB_B_LABEL))
                        .as(who + ": lab-b's label in the atlas summary")
                        .isEqualTo(key.equals(OTHER_MEMBER_KEY));

                Response annotated = annotate(key, query);
                assertThat(annotated.jsonPath().getList("cells.voted_label").contains(LAB_B_LABEL))
                        .as(who + ": lab-b's label in the votes")
                        .isEqualTo(key.equals(OTHER_MEMBER_KEY));
                Response reference = as(key).get("/v1/reference");
                assertThat(reference.jsonPath().getList("references[0].studies", String.class))
                        .as(who + ": the reference's studies")
                        .doesNotContainAnyElementsOf(hidden);

                for (String study : hidden) {
                    String id = study.equals(LAB_B) ? COPY.id(rows.get(0)) : ATLAS.docId(LAB_A, rows.get(0));
                    Response expression = post(key, "/v1/cells/expression", Map.of("cell_ids", List.of(id)));
                    assertThat(expression.statusCode())
                            .as(who + ": counts of " + id)
                            .isEqualTo(404);
                }
            }
        } finally {
            COPY.delete(stack, rows, true);
            CopiedStudy.announce(stack, StudyStatus.simple(LAB_B, VERSION, StudyState.WITHDRAWN, Instant.now()));
            ModelPublishing.deleteTree(dir);
        }
    }

    private static Set<String> studies(Response r, String path) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return new HashSet<>(r.jsonPath().getList(path, String.class));
    }

    private static Response post(String key, String path, Object body) {
        return as(key).contentType("application/json").body(body).post(path);
    }

    private static Response annotate(String key, Path file) {
        Response r = as(key).multiPart("file", file.toFile()).post("/v1/annotate");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r;
    }
}
