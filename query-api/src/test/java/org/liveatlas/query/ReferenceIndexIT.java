package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.StackEndpoints;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.topics.Topics;

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
        String ontologyId = indexCopyOfPrivateAbsentCells("Classical Monocytes (CD14+)");
        long t0 = System.nanoTime();
        publish(StudyStatus.class.cast(new StudyStatus(
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
        Response voted = until(
                () -> annotate(OUTSIDER_KEY, query), r -> fraction(r, absent, "label", ATLAS.absentLabel()) >= 0.9);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[reference] study %s voted %.1f s after its StudyStatus%n", STUDY, seconds);
        assertThat(seconds).as("voted with within seconds").isLessThan(30);
        assertThat(fraction(voted, absent, "label_ontology_id", ontologyId)).isGreaterThanOrEqualTo(0.9);

        // the member sees both the private study ("classical monocyte") and the copy: one id, one vote (vs_all 1),
        // where split author labels would give each about half the votes
        Response member = annotate(MEMBER_KEY, query);
        List<String> ids = member.jsonPath().getList("cells.cell_id");
        List<Float> vsAll = member.jsonPath().getList("cells.vs_all", Float.class);
        for (int i = 0; i < ids.size(); i++) {
            if (absent.contains(ids.get(i))) {
                assertThat(vsAll.get(i)).as(ids.get(i)).isGreaterThanOrEqualTo(0.99f);
            }
        }
        assertThat(fraction(member, absent, "voted_label", ATLAS.absentLabel())).isGreaterThanOrEqualTo(0.9);

        // withdrawn: its cells leave the index and, within seconds, the votes
        send(
                "POST",
                "/" + IndexMappings.CELLS_ALIAS + "/_delete_by_query?refresh=true",
                "{\"query\":{\"term\":{\"study_id\":\"" + STUDY + "\"}}}");
        publish(StudyStatus.simple(STUDY, VERSION, StudyState.WITHDRAWN, Instant.now()));
        until(() -> annotate(OUTSIDER_KEY, query), r -> fraction(r, absent, "label", SyntheticAtlas.unknown()) >= 0.9);
        Response reference = as(OUTSIDER_KEY).get("/v1/reference");
        assertThat(reference.statusCode()).as(reference.asString()).isEqualTo(200);
        assertThat(reference.jsonPath().getList("references.model_version")).contains(SyntheticAtlas.MODEL_VERSION);
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

    private String indexCopyOfPrivateAbsentCells(String label) throws Exception {
        SyntheticStudy priv = ATLAS.study(SyntheticAtlas.PRIVATE_STUDY);
        String cells = IndexMappings.cellsIndexName(SyntheticAtlas.MODEL_VERSION);
        StringBuilder bulk = new StringBuilder();
        String ontologyId = null;
        for (int r = 0; r < priv.cells(); r++) {
            if (!ATLAS.indexed(SyntheticAtlas.PRIVATE_STUDY, r)) {
                continue;
            }
            ontologyId = priv.obs().get(SyntheticStudy.CELL_TYPE_ONTOLOGY_ID).get(r);
            ObjectNode doc = JSON.createObjectNode();
            doc.put("cell_id", "copy-" + priv.cellIds().get(r));
            doc.put("study_id", STUDY);
            doc.put("deposit_version", VERSION);
            doc.put("author_label", label);
            doc.put("author_label_ontology_id", ontologyId);
            doc.put("reference", true);
            doc.put("model_version", SyntheticAtlas.MODEL_VERSION);
            doc.put("visibility", "public");
            var vec = doc.putArray("embedding");
            for (float x : ATLAS.embedding(SyntheticAtlas.PRIVATE_STUDY, r)) {
                vec.add(x);
            }
            bulk.append("{\"index\":{\"_index\":\"")
                    .append(cells)
                    .append("\",\"_id\":\"")
                    .append(STUDY)
                    .append(":copy-")
                    .append(priv.cellIds().get(r))
                    .append("\"}}\n")
                    .append(doc)
                    .append('\n');
        }
        String answer = send("POST", "/_bulk?refresh=true", bulk.toString());
        assertThat(JSON.readTree(answer).path("errors").asBoolean(true))
                .as(answer)
                .isFalse();
        return ontologyId;
    }

    private void publish(StudyStatus s) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()))) {
            p.send(new ProducerRecord<>(Topics.STUDY_STATUS.name(), s.studyId(), Json.write(s)))
                    .get(60, TimeUnit.SECONDS);
        }
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.openSearch() + path))
                                .header("Content-Type", "application/x-ndjson")
                                .method(method, HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isLessThan(300);
        return r.body();
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
