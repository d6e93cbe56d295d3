package org.liveatlas.infra.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.liveatlas.infra.apps.AppRunner;
import org.liveatlas.infra.apps.PlatformApp;

/** A platform app run by {@code atlas up} as a long-lived child process (e.g. the ingest service). */
final class AppServer {
    /** How long an app must stay up after start before it counts as healthy. */
    static final Duration SETTLE = Duration.ofSeconds(3);

    private AppServer() {}

    static ServiceController ingest(StackConfig config, Path home) {
        return create(
                config,
                home,
                ServiceName.INGEST,
                PlatformApp.INGEST,
                "org.liveatlas.ingest.IngestMain",
                "768m",
                Map.of());
    }

    /**
     * The trainer's service loop ({@code TrainerMain serve}): retrains on its triggers, one training at a time.
     * On the embedded platform it trains the demo's small network ({@code DemoAtlas.TRAINING}), so that a
     * retraining fits a laptop and the gate compares like with like; any {@code ATLAS_TRAINER_*} variable
     * set where {@code atlas up} runs wins.
     */
    static ServiceController trainer(StackConfig config, Path home) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        org.liveatlas.infra.demo.DemoAtlas.TRAINING.forEach(
                (k, v) -> env.put(k, System.getenv().getOrDefault(k, v)));
        return create(
                config,
                home,
                ServiceName.TRAINER,
                PlatformApp.TRAINER,
                "org.liveatlas.trainer.TrainerMain",
                "1g",
                env,
                "serve");
    }

    /**
     * The query API and dashboard (Quarkus), healthy when {@code /q/health/ready} answers. Before the first
     * model or the first indexed study the API serves but reports itself not ready: that is shown, not a failure.
     */
    static ServiceController queryApi(StackConfig config, Path home) {
        AppRunner runner = new AppRunner(home, config);
        ServiceName name = ServiceName.QUERY_API;
        Path dir = config.serviceDir(name);
        int port = config.port(StackKey.API_PORT);
        String url = config.endpoints().apiUrl();
        EmbeddedServer.Launch launch = () -> runner.quarkusCommand(
                PlatformApp.QUERY_API,
                List.of(
                        "-Xmx" + config.get(StackKey.API_HEAP),
                        "-Djava.io.tmpdir=" + java.nio.file.Files.createDirectories(dir.resolve("tmp"))));
        return new EmbeddedServer(
                name,
                url,
                dir,
                config.host(),
                Map.of("HTTP port", port),
                launch,
                Probes.queryApi(url),
                runner.environment());
    }

    private static ServiceController create(
            StackConfig config,
            Path home,
            ServiceName name,
            PlatformApp app,
            String mainClass,
            String heap,
            Map<String, String> extraEnv,
            String... args) {
        AppRunner runner = new AppRunner(home, config);
        Path dir = config.serviceDir(name);
        Path pidFile = dir.resolve(name.id() + ".pid");
        EmbeddedServer.Launch launch = () -> runner.command(
                app,
                mainClass,
                List.of("-Xmx" + heap, "-Djava.io.tmpdir=" + java.nio.file.Files.createDirectories(dir.resolve("tmp"))),
                List.of(args));
        HealthProbe alive = () -> {
            // the process itself is checked by EmbeddedServer; an app that fails at start exits within seconds
            Instant started = ProcessHandle.of(Long.parseLong(
                            java.nio.file.Files.readString(pidFile).trim().split("\\s+")[0]))
                    .flatMap(h -> h.info().startInstant())
                    .orElse(Instant.EPOCH);
            Duration up = Duration.between(started, Instant.now());
            if (up.compareTo(SETTLE) < 0) {
                throw new IllegalStateException("starting (up " + up.toMillis() + " ms)");
            }
            return "running for " + up.toSeconds() + " s";
        };
        Map<String, String> env = new java.util.LinkedHashMap<>(runner.environment());
        env.putAll(extraEnv);
        return new EmbeddedServer(name, config.endpoints().of(name), dir, config.host(), Map.of(), launch, alive, env);
    }
}
