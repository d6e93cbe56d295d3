package org.liveatlas.flink.index;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a {@link KeyedJson} to one topic, keyed, so that compaction keeps the latest per key. */
public final class KeyedJsonSerializer implements KafkaRecordSerializationSchema<KeyedJson> {
    private final String topic;

    public KeyedJsonSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(KeyedJson element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                element.key().getBytes(StandardCharsets.UTF_8),
                element.json().getBytes(StandardCharsets.UTF_8));
    }
}
