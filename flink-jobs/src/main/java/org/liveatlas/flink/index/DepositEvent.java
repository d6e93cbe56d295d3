package org.liveatlas.flink.index;

/**
 * A record of {@code atlas.deposits} as it arrived, unparsed, with where it came from (for dead letters).
 * Parsing happens in the indexer, so a malformed record is dead-lettered instead of failing the source.
 *
 * @param key the Kafka key (the study id), or "" when absent
 * @param json the value
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 */
public record DepositEvent(String key, String json, String topic, int partition, long offset) {
    public DepositEvent {
        key = key == null ? "" : key;
        json = json == null ? "" : json;
    }
}
