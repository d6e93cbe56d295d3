package org.liveatlas.flink.index;

import java.net.URI;
import java.nio.file.Path;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.liveatlas.flink.config.FlinkMode;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.opensearch.BulkAction;
import org.liveatlas.flink.opensearch.OpenSearchSink;

/**
 * IndexStudyJob: deposit events become searchable, annotated cells. The topology is {@link #build}, a function
 * of its sources, sinks and configuration (tests wire their own); {@link #main} parses the configuration and
 * submits it.
 *
 * <pre>
 * atlas.deposits --keyBy(study)--> StudyIndexer <--broadcast-- atlas.models
 *      |-- upserts + barriers --> OpenSearchSink (cells-&lt;model&gt;, studies; final status after flush)
 *      |-- progress -----------> atlas.study-status
 *      '-- dead letters -------> atlas.deposits.dlq
 * </pre>
 */
public final class IndexStudyJob {
    public static final String NAME = "liveatlas-index-study";

    private IndexStudyJob() {}

    /** Adds the pipeline to {@code env}. */
    public static void build(
            StreamExecutionEnvironment env,
            Source<DepositEvent, ?, ?> deposits,
            Source<KeyedJson, ?, ?> models,
            Sink<BulkAction> cells,
            Sink<KeyedJson> status,
            Sink<KeyedJson> deadLetters,
            PipelineConfig config) {
        BroadcastStream<KeyedJson> modelStream = env.fromSource(models, WatermarkStrategy.noWatermarks(), "models")
                .setParallelism(1)
                .broadcast(StudyIndexer.MODELS);
        SingleOutputStreamOperator<BulkAction> actions = env.fromSource(
                        deposits, WatermarkStrategy.noWatermarks(), "deposits")
                .uid("deposits-source")
                .keyBy(DepositEvent::key)
                .connect(modelStream)
                .process(new StudyIndexer(config))
                .uid("study-indexer")
                .name("index-study")
                .setParallelism(config.parallelism());
        // forward (same parallelism): the sink sees each study's documents before its barrier, in order
        actions.sinkTo(cells).uid("cells-sink").name("opensearch-cells").setParallelism(config.parallelism());
        actions.getSideOutput(StudyIndexer.STATUS)
                .sinkTo(status)
                .uid("status-sink")
                .name("study-status");
        actions.getSideOutput(StudyIndexer.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("dlq-sink")
                .name("dead-letters");
    }

    /** The deposits source: offsets restored from checkpoints, else the committed ones, else the earliest. */
    public static KafkaSource<DepositEvent> depositsSource(PipelineConfig config) {
        return KafkaSource.<DepositEvent>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setTopics(config.depositsTopic())
                .setGroupId(config.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new DepositDeserializer())
                .build();
    }

    /** The models source: the whole compacted topic, so that every task knows the latest model. */
    public static KafkaSource<KeyedJson> modelsSource(PipelineConfig config) {
        return KafkaSource.<KeyedJson>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setTopics(config.modelsTopic())
                .setGroupId(config.consumerGroup() + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ModelEventDeserializer())
                .build();
    }

    /** The cells sink, concluding each study with {@link StudyBarrierHandler}. */
    public static OpenSearchSink cellsSink(PipelineConfig config) {
        return OpenSearchSink.builder()
                .endpoint(config.openSearch())
                .maxBufferedActions(config.bulkActions())
                .retryPolicy(config.retryPolicy())
                .barrierHandler(StudyBarrierHandler.factory(config))
                .build();
    }

    /** An at-least-once Kafka sink of keyed JSON to {@code topic}. */
    public static KafkaSink<KeyedJson> kafkaSink(PipelineConfig config, String topic) {
        return KafkaSink.<KeyedJson>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setRecordSerializer(new KeyedJsonSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The whole job with its production sources and sinks. */
    public static void build(StreamExecutionEnvironment env, PipelineConfig config) {
        build(
                env,
                depositsSource(config),
                modelsSource(config),
                cellsSink(config),
                kafkaSink(config, config.statusTopic()),
                kafkaSink(config, config.dlqTopic()),
                config);
    }

    /**
     * An environment for {@code config.flinkMode()}: an in-process MiniCluster ({@code local}), or the REST
     * endpoint of the embedded session cluster or any cluster, shipping the job jar. Checkpointing is on
     * (exactly-once barriers; offsets and sink flushes follow them).
     */
    public static StreamExecutionEnvironment environment(PipelineConfig config, Configuration flinkConf) {
        StreamExecutionEnvironment env;
        if (config.flinkMode() == FlinkMode.LOCAL) {
            env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flinkConf);
        } else {
            URI rest = URI.create(config.flinkRestUrl());
            String jar = config.jobJar() != null ? config.jobJar() : ownJar();
            env = StreamExecutionEnvironment.createRemoteEnvironment(
                    rest.getHost(), rest.getPort() < 0 ? 8081 : rest.getPort(), flinkConf, jar);
        }
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    private static String ownJar() {
        try {
            Path p = Path.of(IndexStudyJob.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!p.toString().endsWith(".jar")) {
                throw new IllegalStateException("the job is not running from a jar (" + p
                        + "); build the shaded jar (-Pshaded) and pass --atlas.flink.job-jar");
            }
            return p.toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the job jar", e);
        }
    }

    /** Parses {@code --key value} options and submits the job; returns at once with the job running. */
    public static JobClient submit(String[] args) throws Exception {
        Configuration conf = PipelineConfig.parseArgs(args);
        PipelineConfig config = PipelineConfig.from(conf, System.getenv());
        StreamExecutionEnvironment env =
                environment(config, org.liveatlas.flink.JobRecovery.configure(conf, NAME, System.out));
        build(env, config);
        return env.executeAsync(NAME);
    }

    public static void main(String[] args) throws Exception {
        JobClient client = submit(args);
        System.out.println("submitted " + NAME + " as job " + client.getJobID());
        if (PipelineConfig.parseArgs(args)
                .getString("atlas.flink.mode", "embedded")
                .equalsIgnoreCase("local")) {
            client.getJobExecutionResult().get(); // keep the MiniCluster alive
        }
    }
}
