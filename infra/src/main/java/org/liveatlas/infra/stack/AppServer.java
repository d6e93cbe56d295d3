package org.liveatlas.infra.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.liveatlas.infra.apps.AppRunner;
import org.liveatlas.infra.apps.PlatformApp;
import org.liveatlas.infra.apps.TrainingDefaults;

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
                Map::of);
    }

    /**
     * The trainer's service loop ({@code TrainerMain serve}): retrains on its triggers, one training at a time.
     * It trains with the settings the data folder was seeded with ({@link #trainerSettings}), worked out when
     * the service starts, so that a retraining fits the machine and the gate compares like with like.
     */
    static ServiceController trainer(StackConfig config, Path home) {
        return create(
                config,
                home,
                ServiceName.TRAINER,
                PlatformApp.TRAINER,
                "org.liveatlas.trainer.TrainerMain",
                "1g",
                () -> trainerSettings(config, home).environment(),
                "serve");
    }

    /**
     * The trainer service's settings: those recorded in the data folder ({@link TrainingDefaults}), else the
     * demo's small network ({@code DemoAtlas.TRAINING}: the trainer's own defaults, SCimilarity's, do not
     * fit a laptop); any {@code ATLAS_TRAINER_*} variable set where {@code atlas up} runs wins.
     */
    static TrainingDefaults.Resolved trainerSettings(StackConfig config, Path home) {
        return TrainingDefaults.forService(
                config.dataDir(),
                org.liveatlas.infra.demo.DemoAtlas.TRAINING,
                "the demo's settings, DemoAtlas.TRAINING",
                System.getenv(),
                new AppRunner(home, config).environment().keySet());
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
            java.util.function.Supplier<Map<String, String>> extraEnv,
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
        java.util.function.Supplier<Map<String, String>> env = () -> {
            Map<String, String> all = new java.util.LinkedHashMap<>(runner.environment());
            all.putAll(extraEnv.get());
            return all;
        };
        return new EmbeddedServer(name, config.endpoints().of(name), dir, config.host(), Map.of(), launch, alive, env);
    }
}
