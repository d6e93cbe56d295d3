package org.liveatlas.flink.reindex;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.index.IndexStudyJob;
import org.liveatlas.flink.index.KeyedJson;
import org.liveatlas.flink.index.ModelEventDeserializer;
import org.liveatlas.flink.opensearch.BulkAction;
import org.liveatlas.flink.opensearch.OpenSearchSink;

/**
 * ReindexJob: on each new {@code ModelPublished}, a blue/green rebuild of the cells index with the new model
 * and an atomic alias swap when it is complete. {@link #build} wires the topology from its source, sink and
 * configuration; {@link #main} takes the same options as {@link IndexStudyJob}.
 */
public final class ReindexJob {
    public static final String NAME = "liveatlas-reindex";

    private ReindexJob() {}

    public static void build(
            StreamExecutionEnvironment env,
            Source<KeyedJson, ?, ?> models,
            Sink<BulkAction> cells,
            PipelineConfig config) {
        env.fromSource(models, WatermarkStrategy.noWatermarks(), "models")
                .uid("models-source")
                .setParallelism(1)
                .keyBy(m -> "models")
                .process(new Reindexer(config))
                .uid("reindexer")
                .name("reindex")
                .setParallelism(1)
                .sinkTo(cells)
                .uid("reindex-sink")
                .name("opensearch-reindex")
                .setParallelism(1);
    }

    public static KafkaSource<KeyedJson> modelsSource(PipelineConfig config) {
        return KafkaSource.<KeyedJson>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setTopics(config.modelsTopic())
                .setGroupId(config.consumerGroup() + "-reindex")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ModelEventDeserializer())
                .build();
    }

    public static OpenSearchSink sink(PipelineConfig config) {
        return OpenSearchSink.builder()
                .endpoint(config.openSearch())
                .maxBufferedActions(config.bulkActions())
                .retryPolicy(config.retryPolicy())
                .barrierHandler(ReindexBarrierHandler.factory(config))
                .build();
    }

    public static JobClient submit(String[] args) throws Exception {
        Configuration conf = PipelineConfig.parseArgs(args);
        PipelineConfig config = PipelineConfig.from(conf, System.getenv());
        StreamExecutionEnvironment env =
                IndexStudyJob.environment(config, org.liveatlas.flink.JobRecovery.configure(conf, NAME, System.out));
        build(env, modelsSource(config), sink(config), config);
        return env.executeAsync(NAME);
    }

    public static void main(String[] args) throws Exception {
        JobClient client = submit(args);
        System.out.println("submitted " + NAME + " as job " + client.getJobID());
        if (PipelineConfig.parseArgs(args)
                .getString("atlas.flink.mode", "embedded")
                .equalsIgnoreCase("local")) {
            client.getJobExecutionResult().get();
        }
    }
}
