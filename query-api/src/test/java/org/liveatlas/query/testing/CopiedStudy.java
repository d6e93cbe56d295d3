package org.liveatlas.query.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.topics.Topics;

/**
 * A study made, after the API started, of copies of the private study's indexed cells under another study id,
 * label and visibility, written to the test model's cells index as the pipeline writes cells (and deleted as
 * a withdrawal deletes them: this OpenSearch has no delete-by-query), announced on {@code atlas.study-status}.
 *
 * @param study the copy's study id
 * @param version its deposit version
 * @param label the author label of every copied cell
 * @param ontologyId their Cell Ontology id, or null
 * @param ownerGroup null for a public study, else the group of a private one
 * @param tissue their tissue, or null
 */
public record CopiedStudy(
        String study, String version, String label, String ontologyId, String ownerGroup, String tissue) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    private static final String SOURCE = SyntheticAtlas.PRIVATE_STUDY;

    /** The rows of the private study that are indexed (at most {@code max}). */
    public static List<Integer> sourceRows(int max) {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < ATLAS.study(SOURCE).cells() && rows.size() < max; r++) {
            if (ATLAS.indexed(SOURCE, r)) {
                rows.add(r);
            }
        }
        return rows;
    }

    /** The document id of the copy of the private study's {@code row}. */
    public String id(int row) {
        return study + ":copy-" + ATLAS.study(SOURCE).cellIds().get(row);
    }

    /** Indexes the copies of {@code rows} (refreshed, so searchable at once). */
    public void index(StackEndpoints stack, List<Integer> rows) throws Exception {
        String cells = IndexMappings.cellsIndexName(SyntheticAtlas.MODEL_VERSION);
        StringBuilder bulk = new StringBuilder();
        for (int r : rows) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("cell_id", "copy-" + ATLAS.study(SOURCE).cellIds().get(r));
            doc.put("study_id", study);
            doc.put("deposit_version", version);
            doc.put("author_label", label);
            if (ontologyId != null) {
                doc.put("author_label_ontology_id", ontologyId);
            }
            if (tissue != null) {
                doc.put("tissue", tissue);
            }
            doc.put("reference", true);
            doc.put("model_version", SyntheticAtlas.MODEL_VERSION);
            doc.put("visibility", ownerGroup == null ? "public" : "private");
            if (ownerGroup != null) {
                doc.put("owner_group", ownerGroup);
            }
            doc.put("ingest_time", Instant.now().toString());
            var vec = doc.putArray("embedding");
            for (float x : ATLAS.embedding(SOURCE, r)) {
                vec.add(x);
            }
            bulk.append(action("index", cells, id(r))).append(doc).append('\n');
        }
        bulk(stack, bulk.toString());
    }

    /** Deletes the copies of {@code rows}, and the study's document if {@code withStudy}. */
    public void delete(StackEndpoints stack, List<Integer> rows, boolean withStudy) throws Exception {
        String cells = IndexMappings.cellsIndexName(SyntheticAtlas.MODEL_VERSION);
        StringBuilder bulk = new StringBuilder();
        for (int r : rows) {
            bulk.append(action("delete", cells, id(r)));
        }
        if (withStudy) {
            bulk.append(action("delete", IndexMappings.STUDIES_INDEX, study));
        }
        bulk(stack, bulk.toString());
    }

    /** Writes the study's document in the studies index, {@code indexed} with {@code cells} cells. */
    public void indexStudyDocument(StackEndpoints stack, int cells) throws Exception {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("study_id", study);
        doc.put("deposit_version", version);
        doc.put("title", "copies of " + SOURCE);
        doc.put("visibility", ownerGroup == null ? "public" : "private");
        if (ownerGroup != null) {
            doc.put("owner_group", ownerGroup);
        }
        doc.put("reference", true);
        doc.put("state", "indexed");
        doc.put("cells_indexed", cells);
        bulk(stack, action("index", IndexMappings.STUDIES_INDEX, study) + doc + "\n");
    }

    /** Publishes a status of the study on {@code atlas.study-status}, as the indexing job does. */
    public static void announce(StackEndpoints stack, StudyStatus status) throws Exception {
        ModelPublishing.send(stack.kafkaBootstrap(), Topics.STUDY_STATUS.name(), status.studyId(), Json.write(status));
    }

    private static String action(String verb, String index, String id) {
        return "{\"" + verb + "\":{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\"}}\n";
    }

    private static void bulk(StackEndpoints stack, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.openSearch() + "/_bulk?refresh=true"))
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isLessThan(300);
        assertThat(JSON.readTree(r.body()).path("errors").asBoolean(true))
                .as(r.body())
                .isFalse();
    }
}
