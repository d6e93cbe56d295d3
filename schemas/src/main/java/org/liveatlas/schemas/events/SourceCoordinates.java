package org.liveatlas.schemas.events;

/**
 * Where a failed input came from: a Kafka record (topic, partition, offset) or an object (bucket, key).
 */
public record SourceCoordinates(String topic, Integer partition, Long offset, String bucket, String key) {
    public SourceCoordinates {
        boolean kafka = topic != null && partition != null && offset != null;
        boolean object = bucket != null && key != null;
        if (!kafka && !object) {
            throw new IllegalArgumentException(
                    "source coordinates need topic, partition and offset, or bucket and key");
        }
    }

    public static SourceCoordinates ofRecord(String topic, int partition, long offset) {
        return new SourceCoordinates(topic, partition, offset, null, null);
    }

    public static SourceCoordinates ofObject(String bucket, String key) {
        return new SourceCoordinates(null, null, null, bucket, key);
    }
}
