package org.liveatlas.infra.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/** The embedded Kafka broker: one node in KRaft mode (broker and controller), its storage formatted once. */
final class KafkaServer {
    private KafkaServer() {}

    static ServiceController create(StackConfig config) {
        String bootstrap = config.endpoints().kafkaBootstrap();
        if (config.isExternal(ServiceName.KAFKA)) {
            return new ExternalServer(ServiceName.KAFKA, bootstrap, Probes.kafka(bootstrap));
        }
        Path dir = config.serviceDir(ServiceName.KAFKA);
        String host = config.host();
        int port = config.port(StackKey.KAFKA_PORT);
        int controllerPort = config.port(StackKey.KAFKA_CONTROLLER_PORT);
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("client port", port);
        ports.put("controller port", controllerPort);
        EmbeddedServer.Launch launch = () -> {
            String cp = Distribution.classpath(Distribution.jars("kafka"));
            Path props = dir.resolve("server.properties");
            Path logDir = dir.resolve("data");
            Files.writeString(props, serverProperties(host, port, controllerPort, logDir), StandardCharsets.UTF_8);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(cp, props, dir);
            }
            List<String> cmd = new ArrayList<>(List.of(
                    Distribution.javaExecutable(),
                    "-Xms128m",
                    "-Xmx" + config.get(StackKey.KAFKA_HEAP),
                    "-XX:+UseG1GC",
                    "-Djava.awt.headless=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-cp",
                    cp,
                    "kafka.Kafka",
                    props.toString()));
            return cmd;
        };
        return new EmbeddedServer(ServiceName.KAFKA, bootstrap, dir, host, ports, launch, Probes.kafka(bootstrap));
    }

    static String serverProperties(String host, int port, int controllerPort, Path logDir) {
        return String.join(
                        "\n",
                        "# Written by the atlas launcher at every start; edit the atlas.kafka.* keys instead.",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.bootstrap.servers=" + host + ":" + controllerPort,
                        "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                        "advertised.listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":"
                                + controllerPort,
                        "controller.listener.names=CONTROLLER",
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "log.dirs=" + logDir,
                        "num.partitions=1",
                        "auto.create.topics.enable=false",
                        "offsets.topic.replication.factor=1",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        "group.initial.rebalance.delay.ms=0",
                        "log.retention.hours=-1",
                        "log.segment.bytes=67108864")
                + "\n";
    }

    private static void format(String cp, Path props, Path dir) throws IOException {
        Path log = dir.resolve("format.log");
        Process p = new ProcessBuilder(
                        Distribution.javaExecutable(),
                        "-Xmx256m",
                        "-cp",
                        cp,
                        "kafka.tools.StorageTool",
                        "format",
                        "--standalone",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        props.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new StackException("formatting Kafka storage in " + dir + " took over 120 s; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while formatting Kafka storage");
        }
        if (p.exitValue() != 0) {
            throw new StackException("formatting Kafka storage in " + dir + " failed: "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
    }
}
