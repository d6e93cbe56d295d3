package org.liveatlas.e2e.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.core.synth.TenxWriter;
import org.liveatlas.infra.launcher.AtlasMain;
import org.liveatlas.infra.testing.FreePorts;

/**
 * The platform as a user meets it: {@code atlas up} starts the servers and the ingest service,
 * {@code atlas deposit} uploads a study, and exactly one deposit event reaches Kafka.
 */
class PlatformIT {
    private static Path dataDir;
    private static List<String> base;

    @BeforeAll
    static void up() throws Exception {
        dataDir = Files.createTempDirectory(
                "liveatlas-e2e-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        base = new ArrayList<>(FreePorts.launcherArgs(dataDir));
        base.add("-D");
        base.add("atlas.apps=ingest");
        Result up = atlas("up");
        assertThat(up.code).as(up.text).isZero();
        assertThat(up.text).contains("Ingest service", "All 5 services healthy");
    }

    @AfterAll
    static void down() {
        atlas("down");
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }

    @Test
    void aDepositedStudyBecomesExactlyOneDepositEvent() throws Exception {
        SyntheticStudy study = new SyntheticStudyGenerator(SynthConfig.defaults(7, 1, 120, 400)).study(0);
        Path folder = Files.createDirectories(dataDir.resolve("upload/e2e-study"));
        TenxWriter.write(folder, study);
        Files.writeString(
                folder.resolve("study.json"),
                """
                {"schemaVersion": 1, "studyId": "e2e-study", "title": "synthetic", "organism": "Homo sapiens",
                 "tissue": "blood", "disease": "normal", "assay": "synthetic",
                 "columns": {"cellTypeLabel": "cell_type"}, "reference": true, "visibility": "public"}
                """,
                StandardCharsets.UTF_8);

        Result deposit = atlas("deposit", folder.toString(), "--study", "e2e-study", "--follow", "0s");
        assertThat(deposit.code).isZero();

        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "e2e-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            c.subscribe(List.of("atlas.deposits"));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            ObjectMapper json = new ObjectMapper();
            while (System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    if ("e2e-study".equals(r.key())) {
                        events.add(json.readTree(r.value()));
                    }
                }
                if (!events.isEmpty()) {
                    // keep reading a little: a duplicate would arrive within the next scans
                    long settle = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                    while (System.nanoTime() < settle) {
                        for (var r : c.poll(Duration.ofMillis(500))) {
                            if ("e2e-study".equals(r.key())) {
                                events.add(json.readTree(r.value()));
                            }
                        }
                    }
                    break;
                }
            }
        }
        assertThat(events).as("deposit events for e2e-study").hasSize(1);
        assertThat(events.get(0).toString()).contains("e2e-study", "matrix.mtx.gz");

        Result studies = atlas("studies");
        assertThat(studies.code).isZero();
    }

    private static String kafkaBootstrap() {
        for (int i = 0; i < base.size() - 1; i++) {
            if (base.get(i + 1).startsWith("atlas.kafka.port=")) {
                return "127.0.0.1:" + base.get(i + 1).substring("atlas.kafka.port=".length());
            }
        }
        throw new IllegalStateException("no kafka port in " + base);
    }

    record Result(int code, String text) {}

    private static Result atlas(String... command) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        System.out.println("$ atlas " + String.join(" ", command) + " -> " + code + "\n" + out);
        return new Result(code, out.toString());
    }
}
