package org.liveatlas.query.models;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jboss.logging.Logger;
import org.liveatlas.schemas.index.IndexMappings;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.indices.get_mapping.IndexMappingRecord;

/**
 * What the API needs to know of a model version's cells index for a pinned query: whether it exists, its
 * {@code _meta} (retired when, last used when), and the record of a use, so that the indexing pipeline keeps
 * a retired index for its retention counted from the last query that pinned it ({@code
 * IndexMappings.META_LAST_USED_AT}).
 */
interface ModelIndexes {
    /** The index's {@code _meta} ({@code model_version}, {@code retired_at}, {@code last_used_at}); empty when gone. */
    Optional<Map<String, String>> meta(String index);

    /** Whether the index exists (one request: what a pinned query needs to know). */
    boolean exists(String index);

    /** Records that a query pinned this retired index now (at most once per {@code every} per index). */
    void touch(String index);

    /** Indexes of an OpenSearch cluster. */
    static ModelIndexes of(OpenSearchClient client) {
        return new OnOpenSearch(client);
    }

    /** Every index exists without any {@code _meta} (tests of the registry's choice). */
    static ModelIndexes assumed() {
        return new ModelIndexes() {
            @Override
            public Optional<Map<String, String>> meta(String index) {
                return Optional.of(Map.of());
            }

            @Override
            public boolean exists(String index) {
                return true;
            }

            @Override
            public void touch(String index) {}
        };
    }

    /** On a real cluster. */
    final class OnOpenSearch implements ModelIndexes {
        private static final Logger LOG = Logger.getLogger(OnOpenSearch.class);
        /** A retired index's use is written at most this often. */
        private static final java.time.Duration EVERY = java.time.Duration.ofMinutes(10);

        private final OpenSearchClient client;
        private final ConcurrentMap<String, Instant> touched = new ConcurrentHashMap<>();

        OnOpenSearch(OpenSearchClient client) {
            this.client = client;
        }

        @Override
        public boolean exists(String index) {
            try {
                return client.indices().exists(e -> e.index(index)).value();
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read cells index " + index + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<Map<String, String>> meta(String index) {
            try {
                if (!exists(index)) {
                    return Optional.empty();
                }
                IndexMappingRecord record = client.indices()
                        .getMapping(g -> g.index(index))
                        .result()
                        .get(index);
                Map<String, String> meta = new LinkedHashMap<>();
                if (record != null
                        && record.mappings() != null
                        && record.mappings().meta() != null) {
                    record.mappings()
                            .meta()
                            .forEach((k, v) -> meta.put(k, v.to(Object.class).toString()));
                }
                return Optional.of(meta);
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read cells index " + index + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void touch(String index) {
            Instant now = Instant.now();
            Instant last = touched.get(index);
            if (last != null && last.plus(EVERY).isAfter(now)) {
                return;
            }
            touched.put(index, now);
            try {
                Optional<Map<String, String>> meta = meta(index);
                if (meta.isEmpty() || !meta.get().containsKey(IndexMappings.META_RETIRED_AT)) {
                    return; // only a retired index has a retention to extend
                }
                Map<String, JsonData> updated = new LinkedHashMap<>();
                meta.get().forEach((k, v) -> updated.put(k, JsonData.of(v)));
                updated.put(IndexMappings.META_LAST_USED_AT, JsonData.of(now.toString()));
                client.indices().putMapping(p -> p.index(index).meta(updated));
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warnf(
                        "cannot record the use of retired index %s (%s); its retention is not extended",
                        index, e.getMessage());
                touched.remove(index);
            }
        }
    }
}
