package org.liveatlas.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;

@ExtendWith(AtlasStackExtension.class)
class FlinkKafkaIT {

    @Test
    void aFlinkJobOnTheMiniClusterReadsEveryRecordFromTheEmbeddedKafka(TestStack stack) throws Exception {
        String topic = stack.createTopic("flink-in", 2, false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, Integer.toString(i)));
            }
            producer.flush();
        }

        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(stack.kafkaBootstrap())
                .setTopics(topic)
                .setGroupId(stack.unique("flink"))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        DataStream<Integer> doubled = env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                .map(s -> Integer.parseInt(s) * 2)
                .returns(Integer.class);
        List<Integer> out = new ArrayList<>();
        try (CloseableIterator<Integer> it = doubled.executeAndCollect("infra-flink-kafka-it")) {
            it.forEachRemaining(out::add);
        }
        assertThat(out).hasSize(500);
        assertThat(out.stream().mapToLong(Integer::longValue).sum()).isEqualTo(2L * 499 * 500 / 2);
    }
}
