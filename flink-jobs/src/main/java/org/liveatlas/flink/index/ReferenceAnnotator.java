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
import org.liveatlas.core.annotate.LabelKeys;
import org.liveatlas.core.annotate.LabelNames;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.search.Distances;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.opensearch.OpenSearchRequestException;
import org.liveatlas.flink.opensearch.RetryPolicy;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.index.IndexMappings;

/**
 * Annotates new cells against the labelled reference cells already in a cells index (reference cells of
 * other studies), then the core's {@link KnnVote}. Up to {@code exactMax} reference cells are read once per
 * study and searched exactly in memory (cosine distance on unit vectors); beyond that, k-NN queries filtered
 * inside the query, batched into multi-search requests. Scores are converted to cosine distance in {@link Distances}, the one place that
 * knows OpenSearch's {@code cosinesimil} scale.
 */
public final class ReferenceAnnotator {
    private final OpenSearchHttp http;
    private final VoteOptions vote;
    private final int batch;
    private final RetryPolicy retry;
    private final long exactMax;
    private final CellOntology ontology = CellOntology.bundled();
    private String cachedKey;
    private ReferenceSet cached;
    private LabelNames cachedNames;

    public ReferenceAnnotator(OpenSearchHttp http, int k, int batch, long exactMax, RetryPolicy retry) {
        this.http = http;
        this.exactMax = exactMax;
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
        ReferenceSet refs = reference(index, studyId, latent);
        if (refs != null) {
            return named(refs.vote(embeddings, rows, latent, vote), cachedNames);
        }
        List<CellVote> out = new ArrayList<>(rows);
        LabelNames names = new LabelNames(ontology);
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
                    String label = names.add(
                            hit.path("_source").path(AUTHOR_LABEL).asText(""),
                            hit.path("_source").path(ONTOLOGY_ID).asText(""));
                    if (label == null) {
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
        return named(out, names);
    }

    private static final String AUTHOR_LABEL = "author_label";
    private static final String ONTOLOGY_ID = "author_label_ontology_id";

    /**
     * Votes taken over harmonised keys (core {@link LabelKeys}: the Cell Ontology id where the reference study
     * gives one, else the normalised author label, so one cell type named two ways by two studies votes
     * together), shown by the ontology's name or the most used author label.
     */
    private static List<CellVote> named(List<CellVote> votes, LabelNames names) {
        List<CellVote> out = new ArrayList<>(votes.size());
        for (CellVote v : votes) {
            out.add(v == null ? null : v.named(names::name));
        }
        return out;
    }

    /**
     * The reference cells that {@code studyId} is voted against, in memory, when there are at most {@code
     * exactMax} of them (then the vote is exact and needs one scan per study instead of a k-NN query per cell);
     * null when there are more, and the k-NN path is taken. Cached per index and study: the reference only
     * changes between studies.
     */
    private ReferenceSet reference(String index, String studyId, int latent) throws IOException, InterruptedException {
        String key = index + "\u0000" + studyId;
        if (cachedKey != null && cachedKey.equals(key)) {
            return cached;
        }
        invalidate();
        ObjectNode filter = Json.mapper().createObjectNode();
        ObjectNode bool = filter.putObject("bool");
        bool.putArray("filter").addObject().putObject("term").put("reference", true);
        bool.putArray("must_not").addObject().putObject("term").put("study_id", studyId);
        ObjectNode countBody = Json.mapper().createObjectNode();
        countBody.set("query", filter);
        OpenSearchHttp.Answer c = http.send("POST", "/" + index + "/_count", Json.write(countBody));
        if (!c.ok()) {
            throw new OpenSearchRequestException(
                    "count reference cells in " + index, c.status(), c.body().toString());
        }
        long n = c.body().path("count").asLong();
        ReferenceSet set = null;
        LabelNames names = new LabelNames(ontology);
        if (n <= exactMax) {
            List<String> labels = new ArrayList<>();
            float[] vectors = new float[(int) n * latent];
            JsonNode after = null;
            while (true) {
                ObjectNode q = Json.mapper().createObjectNode();
                q.put("size", 5000);
                q.set("query", filter);
                q.putArray("_source").add(AUTHOR_LABEL).add(ONTOLOGY_ID).add(IndexMappings.VECTOR_FIELD);
                q.putArray("sort").add("study_id").add("cell_id");
                if (after != null) {
                    q.set("search_after", after);
                }
                JsonNode hits = search(index, "/" + index + "/_search", Json.write(q))
                        .path("hits")
                        .path("hits");
                if (hits.isEmpty()) {
                    break;
                }
                for (JsonNode hit : hits) {
                    JsonNode v = hit.path("_source").path(IndexMappings.VECTOR_FIELD);
                    int row = labels.size();
                    if (row >= n || v.size() != latent) {
                        continue; // written after the count, or another model's width: not part of this vote
                    }
                    String labelKey = names.add(
                            hit.path("_source").path(AUTHOR_LABEL).asText(""),
                            hit.path("_source").path(ONTOLOGY_ID).asText(""));
                    labels.add(labelKey == null ? "" : labelKey);
                    for (int j = 0; j < latent; j++) {
                        vectors[row * latent + j] = v.get(j).floatValue();
                    }
                    after = hit.path("sort");
                }
                if (hits.size() < 5000) {
                    break;
                }
            }
            set = new ReferenceSet(labels, java.util.Arrays.copyOf(vectors, labels.size() * latent));
        }
        cachedKey = key;
        cached = set;
        cachedNames = names;
        return set;
    }

    /** Forgets the cached reference (after a study that may have added reference cells). */
    public void invalidate() {
        cachedKey = null;
        if (cached != null) {
            cached.close();
        }
        cached = null;
        cachedNames = null;
    }

    /** Frees the cached reference. */
    public void close() {
        invalidate();
    }

    private JsonNode search(String index, String path, String body) throws IOException, InterruptedException {
        return withRetries(
                () -> http.send("POST", path, body),
                "read reference cells of " + index,
                "reading reference cells of " + index);
    }

    private JsonNode search(String index, String body) throws IOException, InterruptedException {
        return withRetries(
                () -> http.sendNdjson("POST", "/_msearch", body),
                "search reference cells in " + index,
                "reference search in " + index);
    }

    /** One request to OpenSearch. */
    @FunctionalInterface
    private interface Request {
        OpenSearchHttp.Answer send() throws IOException, InterruptedException;
    }

    /**
     * Sends {@code request}, retrying transient failures (connection errors, 429, 5xx) with the
     * configured backoff; any other status fails at once.
     */
    private JsonNode withRetries(Request request, String action, String transientAction)
            throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            String failure;
            try {
                OpenSearchHttp.Answer a = request.send();
                if (a.ok()) {
                    return a.body();
                }
                if (!RetryPolicy.isTransientStatus(a.status())) {
                    throw new OpenSearchRequestException(
                            action, a.status(), a.body().toString());
                }
                failure = "HTTP " + a.status();
            } catch (IOException e) {
                failure = e.toString();
            }
            if (attempt >= retry.maxRetries()) {
                throw new TransientException(transientAction + " at " + http.url() + " still failing after "
                        + retry.maxRetries() + " retries (" + failure + ")");
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
            q.putArray("_source").add(AUTHOR_LABEL).add(ONTOLOGY_ID);
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
