package org.liveatlas.query.reference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.liveatlas.core.TransientException;
import org.liveatlas.schemas.index.IndexMappings;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * Reads labelled reference cells ({@code reference: true}) with their embeddings from a cells index, as
 * the indexing pipeline wrote them: all of them, or one study version's. Pages through the index in
 * {@code (study_id, cell_id)} order with {@code search_after}, so a read costs one pass however large the
 * reference is.
 */
final class ReferenceLoader {
    /** The fields a reference row needs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Doc(
            @JsonProperty("study_id") String studyId,
            @JsonProperty("deposit_version") String depositVersion,
            @JsonProperty("author_label") String authorLabel,
            @JsonProperty("author_label_ontology_id") String ontologyId,
            @JsonProperty("visibility") String visibility,
            @JsonProperty("owner_group") String ownerGroup,
            @JsonProperty("embedding") float[] embedding) {}

    private static final List<String> FIELDS = List.of(
            "study_id",
            "deposit_version",
            "author_label",
            "author_label_ontology_id",
            "visibility",
            "owner_group",
            IndexMappings.VECTOR_FIELD);

    private final OpenSearchClient client;
    private final int pageSize;

    ReferenceLoader(OpenSearchClient client, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
    }

    /** Every reference cell of {@code index}, grouped by study; {@code progress} receives the rows read so far. */
    List<StudyRows> all(String index, LongConsumer progress) {
        return read(index, referenceOnly(), progress);
    }

    /** The reference cells of one study version (empty when it has none in {@code index}). */
    StudyRows study(String index, String studyId, String depositVersion) {
        BoolQuery.Builder b = new BoolQuery.Builder()
                .filter(referenceOnly())
                .filter(q -> q.term(t -> t.field("study_id").value(FieldValue.of(studyId))));
        if (depositVersion != null) {
            b.filter(q -> q.term(t -> t.field("deposit_version").value(FieldValue.of(depositVersion))));
        }
        List<StudyRows> rows = read(index, Query.of(q -> q.bool(b.build())), n -> {});
        return rows.isEmpty()
                ? new StudyRows(studyId, depositVersion, "public", null, List.of(), List.of(), List.of())
                : rows.get(0);
    }

    /** Whether {@code index} exists (an alias counts). */
    boolean exists(String index) {
        try {
            return client.indices().exists(e -> e.index(index)).value();
        } catch (IOException e) {
            throw new TransientException(
                    "OpenSearch did not answer whether " + index + " exists: " + e.getMessage(), e);
        }
    }

    private static Query referenceOnly() {
        return Query.of(q -> q.term(t -> t.field("reference").value(FieldValue.of(true))));
    }

    private List<StudyRows> read(String index, Query query, LongConsumer progress) {
        Map<String, Builder> byStudy = new LinkedHashMap<>();
        List<FieldValue> after = null;
        long read = 0;
        while (true) {
            List<FieldValue> from = after;
            SearchResponse<Doc> r;
            try {
                r = client.search(
                        s -> {
                            s.index(index)
                                    .size(pageSize)
                                    .query(query)
                                    .source(src -> src.filter(f -> f.includes(FIELDS)))
                                    .sort(so ->
                                            so.field(f -> f.field("study_id").order(SortOrder.Asc)))
                                    .sort(so -> so.field(f -> f.field("cell_id").order(SortOrder.Asc)));
                            if (from != null) {
                                s.searchAfter(from);
                            }
                            return s;
                        },
                        Doc.class);
            } catch (IOException e) {
                throw new TransientException(
                        "cells index " + index + " did not answer while reading the reference: " + e.getMessage(), e);
            }
            List<Hit<Doc>> hits = r.hits().hits();
            for (Hit<Doc> h : hits) {
                Doc d = h.source();
                if (d == null || d.embedding() == null || d.studyId() == null) {
                    continue;
                }
                byStudy.computeIfAbsent(d.studyId(), id -> new Builder(d)).add(d);
            }
            read += hits.size();
            progress.accept(read);
            if (hits.size() < pageSize) {
                break;
            }
            after = hits.get(hits.size() - 1).sort();
        }
        List<StudyRows> out = new ArrayList<>(byStudy.size());
        byStudy.values().forEach(b -> out.add(b.build()));
        return out;
    }

    private static final class Builder {
        private final Doc first;
        private final List<float[]> vectors = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();

        Builder(Doc first) {
            this.first = first;
        }

        void add(Doc d) {
            vectors.add(d.embedding());
            labels.add(d.authorLabel());
            ids.add(d.ontologyId());
        }

        StudyRows build() {
            return new StudyRows(
                    first.studyId(),
                    first.depositVersion(),
                    first.visibility() == null ? "public" : first.visibility(),
                    first.ownerGroup(),
                    vectors,
                    labels,
                    ids);
        }
    }
}
