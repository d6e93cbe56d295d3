package org.liveatlas.flink.index;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Turns a deposits record into a {@link DepositEvent} without parsing it (parsing may fail: that is poison). */
public final class DepositDeserializer implements KafkaRecordDeserializationSchema<DepositEvent> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DepositEvent> out) {
        out.collect(new DepositEvent(
                record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8),
                record.topic(),
                record.partition(),
                record.offset()));
    }

    @Override
    public TypeInformation<DepositEvent> getProducedType() {
        return TypeInformation.of(DepositEvent.class);
    }
}
