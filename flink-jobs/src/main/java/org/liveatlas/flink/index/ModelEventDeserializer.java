package org.liveatlas.flink.index;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads {@code atlas.models} records as key and JSON text; parsing happens where they are used. */
public final class ModelEventDeserializer implements KafkaRecordDeserializationSchema<KeyedJson> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KeyedJson> out) {
        if (record.value() == null) {
            return; // a compaction tombstone
        }
        out.collect(new KeyedJson(
                record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8),
                new String(record.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public TypeInformation<KeyedJson> getProducedType() {
        return TypeInformation.of(KeyedJson.class);
    }
}
