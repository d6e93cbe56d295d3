package org.liveatlas.flink.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;
import org.liveatlas.core.search.Distances;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.opensearch.OpenSearchRequestException;
import org.liveatlas.flink.opensearch.RetryPolicy;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.index.IndexMappings;

/**
 * Annotates new cells against the labelled reference cells already in a cells index: k-NN queries batched
 * into multi-search requests (filtered to reference cells of other studies, inside the k-NN query), then the
 * core's {@link KnnVote}. Scores are converted to cosine distance in {@link Distances}, the one place that
 * knows OpenSearch's {@code cosinesimil} scale.
 */
public final class ReferenceAnnotator {
    private final OpenSearchHttp http;
    private final VoteOptions vote;
    private final int batch;
    private final RetryPolicy retry;

    public ReferenceAnnotator(OpenSearchHttp http, int k, int batch, RetryPolicy retry) {
        this.http = http;
        this.vote = VoteOptions.defaults().withK(k);
        this.batch = batch;
        this.retry = retry;
    }

    /**
     * Votes for each of {@code rows} cells ({@code embeddings} row-major, {@code latent} wide); a null
     * vote where no reference cell was found (an atlas without reference yet).
     */
    public List<CellVote> annotate(String index, String studyId, float[] embeddings, int rows, int latent)
            throws IOException, InterruptedException {
        List<CellVote> out = new ArrayList<>(rows);
        for (int from = 0; from < rows; from += batch) {
            int to = Math.min(rows, from + batch);
            JsonNode answer = search(index, msearchBody(index, studyId, embeddings, from, to, latent));
            JsonNode responses = answer.path("responses");
            for (int i = 0; i < to - from; i++) {
                JsonNode r = responses.path(i);
                if (r.has("error")) {
                    throw new OpenSearchRequestException(
                            "search reference cells in " + index,
                            r.path("status").asInt(500),
                            r.toString());
                }
                List<Neighbour> neighbours = new ArrayList<>();
                for (JsonNode hit : r.path("hits").path("hits")) {
                    String label = hit.path("_source").path("author_label").asText("");
                    if (label.isEmpty()) {
                        continue;
                    }
                    double d = Distances.toCosineDistance(
                            Distances.ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE,
                            hit.path("_score").asDouble());
                    neighbours.add(new Neighbour(label, d));
                }
                out.add(neighbours.isEmpty() ? null : KnnVote.vote(neighbours, vote));
            }
        }
        return out;
    }

    private JsonNode search(String index, String body) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            String failure;
            try {
                OpenSearchHttp.Answer a = http.sendNdjson("POST", "/_msearch", body);
                if (a.ok()) {
                    return a.body();
                }
                if (!RetryPolicy.isTransientStatus(a.status())) {
                    throw new OpenSearchRequestException(
                            "search reference cells in " + index,
                            a.status(),
                            a.body().toString());
                }
                failure = "HTTP " + a.status();
            } catch (IOException e) {
                failure = e.toString();
            }
            if (attempt >= retry.maxRetries()) {
                throw new TransientException("reference search in " + index + " at " + http.url()
                        + " still failing after " + retry.maxRetries() + " retries (" + failure + ")");
            }
            Thread.sleep(retry.backoff(attempt + 1).toMillis());
        }
    }

    private String msearchBody(String index, String studyId, float[] emb, int from, int to, int latent) {
        StringBuilder sb = new StringBuilder();
        String header = Json.write(Json.mapper().createObjectNode().put("index", index));
        for (int row = from; row < to; row++) {
            ObjectNode q = Json.mapper().createObjectNode();
            q.put("size", vote.k());
            q.putArray("_source").add("author_label");
            ObjectNode knn = q.putObject("query").putObject("knn").putObject(IndexMappings.VECTOR_FIELD);
            ArrayNode v = knn.putArray("vector");
            for (int j = 0; j < latent; j++) {
                v.add(emb[row * latent + j]);
            }
            knn.put("k", vote.k());
            ObjectNode bool = knn.putObject("filter").putObject("bool");
            bool.putArray("filter").addObject().putObject("term").put("reference", true);
            bool.putArray("must_not").addObject().putObject("term").put("study_id", studyId);
            sb.append(header).append('\n').append(Json.write(q)).append('\n');
        }
        return sb.toString();
    }
}
