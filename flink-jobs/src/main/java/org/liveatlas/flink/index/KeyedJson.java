package org.liveatlas.flink.index;

import java.util.Objects;

/** A JSON event for a Kafka topic with its key (study id or model version). */
public record KeyedJson(String key, String json) {
    public KeyedJson {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(json, "json");
    }
}
