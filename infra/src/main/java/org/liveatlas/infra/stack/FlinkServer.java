package org.liveatlas.infra.stack;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.liveatlas.infra.flink.EmbeddedFlinkCluster;

/**
 * Flink for the platform's jobs. Embedded: a MiniCluster in its own JVM with a REST endpoint, so
 * jobs are submitted exactly as to a cluster. Cluster mode: an existing Flink cluster's REST URL.
 */
final class FlinkServer {
    private FlinkServer() {}

    static ServiceController create(StackConfig config) {
        String url = config.endpoints().flinkRestUrl();
        if (config.isExternal(ServiceName.FLINK)) {
            return new ExternalServer(ServiceName.FLINK, url, Probes.flink(url));
        }
        Path dir = config.serviceDir(ServiceName.FLINK);
        int port = config.port(StackKey.FLINK_PORT);
        EmbeddedServer.Launch launch = () -> {
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(
                    log4j,
                    String.join(
                                    "\n",
                                    "rootLogger.level = INFO",
                                    "rootLogger.appenderRef.console.ref = console",
                                    "appender.console.name = console",
                                    "appender.console.type = CONSOLE",
                                    "appender.console.layout.type = PatternLayout",
                                    "appender.console.layout.pattern = %d{ISO8601} %-5p %-40c{1.} - %m%n",
                                    "logger.akka.name = org.apache.pekko",
                                    "logger.akka.level = WARN",
                                    "logger.kafka.name = org.apache.kafka",
                                    "logger.kafka.level = WARN")
                            + "\n",
                    StandardCharsets.UTF_8);
            List<Path> cp = new ArrayList<>(Distribution.jars("flink"));
            cp.add(ownLocation());
            // the pipeline's libraries, as a cluster's lib/ folder holds them: jobs ship only their thin jar
            cp.addAll(new org.liveatlas.infra.apps.AppRunner(org.liveatlas.infra.apps.AppRunner.defaultHome(), config)
                    .flinkJobLibraries());
            return List.of(
                    Distribution.javaExecutable(),
                    "-Xmx" + config.get(StackKey.FLINK_HEAP),
                    "-Dlog4j.configurationFile=" + log4j.toUri(),
                    "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                    "-cp",
                    Distribution.classpath(cp),
                    EmbeddedFlinkCluster.class.getName(),
                    "--host",
                    config.host(),
                    "--port",
                    Integer.toString(port),
                    "--slots",
                    Integer.toString(config.positiveInt(StackKey.FLINK_SLOTS)),
                    "--dir",
                    dir.toString());
        };
        return new EmbeddedServer(
                ServiceName.FLINK, url, dir, config.host(), Map.of("REST port", port), launch, Probes.flink(url));
    }

    /** The jar or classes folder holding the embedded cluster's entry point. */
    private static Path ownLocation() {
        try {
            return Path.of(EmbeddedFlinkCluster.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new StackException("cannot locate the launcher's own classes: " + e.getMessage(), e);
        }
    }
}
