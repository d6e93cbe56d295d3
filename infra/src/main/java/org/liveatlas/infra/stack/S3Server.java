package org.liveatlas.infra.stack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The embedded S3-compatible store: S3Proxy with its filesystem backend. Production uses MinIO. */
final class S3Server {
    private S3Server() {}

    static ServiceController create(StackConfig config) {
        Endpoints e = config.endpoints();
        HealthProbe probe = Probes.s3(e.s3Endpoint(), e.s3AccessKey(), e.s3SecretKey());
        if (config.isExternal(ServiceName.S3)) {
            return new ExternalServer(ServiceName.S3, e.s3Endpoint(), probe);
        }
        Path dir = config.serviceDir(ServiceName.S3);
        int port = config.port(StackKey.S3_PORT);
        EmbeddedServer.Launch launch = () -> {
            Path blobs = dir.resolve("blobs");
            Files.createDirectories(blobs);
            Path props = dir.resolve("s3proxy.properties");
            Files.writeString(
                    props,
                    String.join(
                                    "\n",
                                    "# Written by the atlas launcher at every start; edit the atlas.s3.* keys instead.",
                                    "s3proxy.endpoint=http://" + config.host() + ":" + port,
                                    "s3proxy.authorization=aws-v2-or-v4",
                                    "s3proxy.identity=" + e.s3AccessKey(),
                                    "s3proxy.credential=" + e.s3SecretKey(),
                                    "jclouds.provider=filesystem",
                                    "jclouds.filesystem.basedir=" + blobs)
                            + "\n",
                    StandardCharsets.UTF_8);
            Path logback = dir.resolve("logback.xml");
            Files.writeString(
                    logback,
                    """
                    <configuration>
                      <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{ISO8601} %-5level %logger{20} %msg%n</pattern></encoder>
                      </appender>
                      <logger name="org.gaul.s3proxy" level="INFO"/>
                      <root level="WARN"><appender-ref ref="out"/></root>
                    </configuration>
                    """,
                    StandardCharsets.UTF_8);
            return List.of(
                    Distribution.javaExecutable(),
                    "-Xmx" + config.get(StackKey.S3_HEAP),
                    "-Dlogback.configurationFile=" + logback,
                    "-cp",
                    Distribution.classpath(Distribution.jars("s3proxy")),
                    "org.gaul.s3proxy.Main",
                    "--properties",
                    props.toString());
        };
        return new EmbeddedServer(
                ServiceName.S3, e.s3Endpoint(), dir, config.host(), Map.of("port", port), launch, probe);
    }
}
