package org.liveatlas.infra.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.Health;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;
import org.liveatlas.infra.testing.FreePorts;
import org.liveatlas.schemas.topics.Topics;

/**
 * The launcher as a user runs it: {@code up}, {@code status}, a service killed with SIGKILL,
 * {@code up} again, {@code down}, and a restart that keeps every topic, object and index.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
    private static Path dataDir;
    private static List<String> base;
    private static Endpoints endpoints;
    private static final String TOPIC = "launcher-it";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void freshDataDir() throws Exception {
        dataDir = Files.createTempDirectory(
                "liveatlas-launcher-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        base = FreePorts.launcherArgs(dataDir);
        Map<StackKey, String> m = new java.util.EnumMap<>(StackKey.class);
        for (int i = 0; i < base.size(); i++) {
            if (base.get(i).equals("-D")) {
                String[] kv = base.get(i + 1).split("=", 2);
                m.put(StackKey.valueOfKey(kv[0]).orElseThrow(), kv[1]);
            }
        }
        m.put(StackKey.DATA_DIR, dataDir.toString());
        endpoints = StackConfig.defaults().with(m).endpoints();
    }

    @AfterAll
    static void stopEverything() {
        atlas("down");
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }

    @Test
    @Order(1)
    void upStartsEveryServiceAndStatusReportsThemHealthy() throws Exception {
        Result up = atlas("up");
        assertThat(up.code).as(up.text).isZero();
        assertThat(up.text).contains("All 4 services healthy", endpoints.kafkaBootstrap(), endpoints.openSearchUrl());

        Result status = atlas("status");
        assertThat(status.code).as(status.text).isZero();
        assertThat(status.text)
                .contains("Kafka broker (KRaft)", "S3 object store", "OpenSearch with k-NN", "Flink session cluster");

        Result again = atlas("up");
        assertThat(again.code).as(again.text).isZero();
        assertThat(again.text).contains("Kafka broker (KRaft) is already running");

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(Topics.all().stream().map(t -> t.name()).toList());
        }

        writeData();
        assertDataPresent();
    }

    @Test
    @Order(2)
    void aServiceKilledWithSigkillIsReportedDownAndUpBringsItBackWithItsData() throws Exception {
        long pid = health(ServiceName.KAFKA).pid().orElseThrow();
        ProcessHandle kafka = ProcessHandle.of(pid).orElseThrow();
        kafka.destroyForcibly();
        kafka.onExit().get(30, TimeUnit.SECONDS);

        Result status = atlas("status");
        assertThat(status.code).isEqualTo(1);
        assertThat(status.text
                        .lines()
                        .filter(l -> l.startsWith("Kafka broker (KRaft)"))
                        .findFirst())
                .hasValueSatisfying(line -> assertThat(line).contains("DOWN"));
        assertThat(status.text
                        .lines()
                        .filter(l -> l.startsWith("S3 object store"))
                        .findFirst())
                .hasValueSatisfying(line -> assertThat(line).contains(" up "));

        Result up = atlas("up");
        assertThat(up.code).as(up.text).isZero();
        assertThat(up.text).contains("starting Kafka broker (KRaft)", "S3 object store is already running");
        assertDataPresent();
    }

    @Test
    @Order(3)
    void downLeavesNoProcessAndARestartKeepsTopicsObjectsAndIndexes() throws Exception {
        List<ProcessHandle> before = new ArrayList<>();
        for (ServiceName s : ServiceName.values()) {
            if (s.isApp()) {
                continue;
            }
            before.add(ProcessHandle.of(health(s).pid().orElseThrow()).orElseThrow());
        }
        Result down = atlas("down");
        assertThat(down.code).as(down.text).isZero();
        for (ProcessHandle p : before) {
            assertThat(p.isAlive()).as("process %d after down", p.pid()).isFalse();
        }
        assertThat(atlas("status").code).isEqualTo(1);

        Result up = atlas("up");
        assertThat(up.code).as(up.text).isZero();
        assertDataPresent();
    }

    private static void writeData() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class))) {
            for (int i = 0; i < 10; i++) {
                p.send(new ProducerRecord<>(TOPIC, "k", "v" + i)).get();
            }
        }
        try (MinioClient s3 = s3()) {
            byte[] body = "kept".getBytes(StandardCharsets.UTF_8);
            s3.putObject(PutObjectArgs.builder().bucket("atlas").object("deposits/KEEP/study.json").stream(
                            new ByteArrayInputStream(body), body.length, -1)
                    .build());
        }
        http(
                "PUT",
                "/keep",
                "{\"settings\":{\"index.knn\":true,\"number_of_replicas\":0},\"mappings\":{\"properties\":"
                        + "{\"v\":{\"type\":\"knn_vector\",\"dimension\":2,\"method\":{\"name\":\"hnsw\",\"engine\":\"lucene\","
                        + "\"space_type\":\"cosinesimil\"}}}}}");
        http("PUT", "/keep/_doc/1?refresh=true", "{\"v\":[0.6,0.8]}");
    }

    private static void assertDataPresent() throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "launcher-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            c.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < 10 && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
        }
        assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        try (MinioClient s3 = s3();
                InputStream in = s3.getObject(GetObjectArgs.builder()
                        .bucket("atlas")
                        .object("deposits/KEEP/study.json")
                        .build())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("kept");
        }
        // after a restart the index may need a moment to recover its shard
        String doc = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            doc = http("GET", "/keep/_doc/1", null);
            if (doc.contains("\"found\":true")) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(doc).contains("\"found\":true", "0.6");
    }

    private static MinioClient s3() {
        return MinioClient.builder()
                .endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey())
                .build();
    }

    private static Health health(ServiceName s) {
        StackConfig c = configFromArgs();
        return new AtlasStack(c).service(s).health();
    }

    private static StackConfig configFromArgs() {
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (int i = 0; i < base.size(); i++) {
            if (base.get(i).equals("-D")) {
                String[] kv = base.get(i + 1).split("=", 2);
                overrides.put(kv[0], kv[1]);
            }
        }
        overrides.put(StackKey.DATA_DIR.key(), dataDir.toString());
        return StackConfig.load(overrides, Map.of(), Optional.empty());
    }

    private static String http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoints.openSearchUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    record Result(int code, String text) {}

    private static Result atlas(String command) {
        List<String> args = new ArrayList<>(base);
        args.add(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        String text = out + err.toString();
        System.out.println("$ atlas " + command + " -> " + code + "\n" + text);
        return new Result(code, text);
    }
}
