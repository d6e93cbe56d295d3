package org.liveatlas.ingest.bench;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;
import org.liveatlas.ingest.DepositCatalogue;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.IngestService;
import org.liveatlas.ingest.Outcome;
import org.liveatlas.schemas.topics.TopicSpec;
import org.liveatlas.schemas.topics.Topics;

/**
 * How many deposits per second the ingest service turns into events: starts its own Kafka and S3 store (embedded,
 * free ports, a temporary data folder), puts N small complete deposits (one .h5ad + study.json each) with the MinIO
 * SDK, then times one scan that announces them all, and a second scan over the same, unchanged deposits.
 * Arguments: [deposits, default 200]. Not a test: it prints numbers and asserts nothing.
 */
public final class DepositThroughputBench {
    private DepositThroughputBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("ingest-bench-");
        Map<StackKey, String> settings = new EnumMap<>(StackKey.class);
        settings.put(StackKey.DATA_DIR, dir.toString());
        for (StackKey key : StackKey.values()) {
            if (key.key().endsWith("port")) {
                settings.put(key, Integer.toString(freePort()));
            }
        }
        settings.put(StackKey.START_TIMEOUT, "240");
        AtlasStack stack =
                new AtlasStack(StackConfig.defaults().with(settings), EnumSet.of(ServiceName.KAFKA, ServiceName.S3));
        stack.up(line -> System.out.println("[stack] " + line));
        try {
            run(stack.endpoints(), n);
        } finally {
            stack.down(line -> System.out.println("[stack] " + line));
        }
    }

    private static void run(Endpoints endpoints, int n) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("atlas.kafka.bootstrap", endpoints.kafkaBootstrap());
        props.put("atlas.s3.endpoint", endpoints.s3Endpoint());
        props.put("atlas.s3.access-key", endpoints.s3AccessKey());
        props.put("atlas.s3.secret-key", endpoints.s3SecretKey());
        IngestConfig config = IngestConfig.from(props, Map.of());
        try (Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()));
                MinioClient s3 = MinioClient.builder()
                        .endpoint(endpoints.s3Endpoint())
                        .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey())
                        .build()) {
            List<TopicSpec> specs =
                    List.of(Topics.DEPOSITS, Topics.DEPOSITS_DLQ, Topics.STUDY_STATUS, Topics.S3_EVENTS);
            admin.createTopics(specs.stream()
                            .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
                            .toList())
                    .all()
                    .get(60, TimeUnit.SECONDS);
            if (!s3.bucketExists(
                    BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                s3.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).build());
            }

            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                DepositCatalogue.Deposit deposit = DepositCatalogue.goodH5ad(String.format("bench-%05d", i));
                for (Map.Entry<String, byte[]> file : deposit.files().entrySet()) {
                    s3.putObject(PutObjectArgs.builder()
                            .bucket(config.bucket())
                            .object("deposits/" + deposit.folder() + "/" + file.getKey())
                            .stream(new ByteArrayInputStream(file.getValue()), file.getValue().length, -1)
                            .build());
                }
            }
            double upload = (System.nanoTime() - t0) / 1e9;

            try (IngestService service = IngestService.create(config)) {
                long t1 = System.nanoTime();
                Map<Outcome, Integer> first = service.scanOnce();
                double scan = (System.nanoTime() - t1) / 1e9;
                long t2 = System.nanoTime();
                Map<Outcome, Integer> second = service.scanOnce();
                double rescan = (System.nanoTime() - t2) / 1e9;
                System.out.printf(
                        "uploaded %d deposits (%d objects, %.0f KiB each) in %.2f s%n",
                        n, 2 * n, DepositCatalogue.h5ad().length / 1024.0, upload);
                System.out.printf(
                        "first scan:  %s in %.2f s = %.1f deposits/s turned into StudyDeposited events%n",
                        first, scan, n / scan);
                System.out.printf(
                        "second scan: %s in %.2f s = %.1f unchanged deposits/s checked%n", second, rescan, n / rescan);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
