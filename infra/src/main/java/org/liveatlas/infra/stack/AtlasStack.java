package org.liveatlas.infra.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.liveatlas.schemas.topics.Topics;

/**
 * The whole stack: Kafka, the S3 store, OpenSearch and Flink, each embedded or external. {@link #up}
 * is idempotent (running services are left alone), {@link #down} stops only what it started. An {@link #up}
 * that fails stops the services this instance started ({@link #stopStartedHere}), never those that were
 * running before it.
 */
public final class AtlasStack {
    private final StackConfig config;
    private final List<ServiceController> services;
    /** Services whose {@link ServiceController#start()} said STARTED on this instance, in start order. */
    private final List<ServiceController> startedHere = new ArrayList<>();

    public AtlasStack(StackConfig config) {
        this(config, EnumSet.allOf(ServiceName.class));
    }

    /** A stack of only some services, e.g. tests that run Flink in-process need no Flink server. */
    public AtlasStack(StackConfig config, Set<ServiceName> only) {
        this.config = config;
        List<ServiceController> all = List.of(
                KafkaServer.create(config),
                S3Server.create(config),
                OpenSearchServer.create(config),
                FlinkServer.create(config));
        List<ServiceController> chosen = new ArrayList<>(
                all.stream().filter(s -> only.contains(s.name())).toList());
        java.nio.file.Path home = org.liveatlas.infra.apps.AppRunner.defaultHome();
        for (ServiceName app : config.apps()) {
            if (only.contains(app)) {
                chosen.add(
                        switch (app) {
                            case INGEST -> AppServer.ingest(config, home);
                            case TRAINER -> AppServer.trainer(config, home);
                            case QUERY_API -> AppServer.queryApi(config, home);
                            default -> throw new IllegalStateException(app + " is not an app");
                        });
            }
        }
        this.services = List.copyOf(chosen);
    }

    /** A stack of the given controllers, in start order (tests wire in their own). */
    public AtlasStack(StackConfig config, List<ServiceController> services) {
        this.config = Objects.requireNonNull(config, "config");
        this.services = List.copyOf(services);
    }

    public StackConfig config() {
        return config;
    }

    public Endpoints endpoints() {
        return config.endpoints();
    }

    public List<ServiceController> services() {
        return services;
    }

    /**
     * The settings the trainer service trains with when it starts now (see {@code AppServer.trainer}):
     * recorded in the data folder, else the demo's; {@code ATLAS_TRAINER_*} variables win.
     */
    public org.liveatlas.infra.apps.TrainingDefaults.Resolved trainerSettings() {
        return AppServer.trainerSettings(config, org.liveatlas.infra.apps.AppRunner.defaultHome());
    }

    public ServiceController service(ServiceName name) {
        return services.stream().filter(s -> s.name() == name).findFirst().orElseThrow();
    }

    /** What {@link #up} did for one service. */
    public record Started(
            ServiceName service, ServiceController.StartOutcome outcome, Duration took, String endpoint) {}

    /**
     * Starts every service that is not running, waits until all are healthy, then provisions the
     * bucket and the platform topics. Services start concurrently; health is awaited with the configured deadline.
     * When a step fails, the services started by this call are stopped ({@link #stopStartedHere}) before the
     * failure is rethrown.
     *
     * @param progress receives one line per step, for the console
     */
    public List<Started> up(Consumer<String> progress) {
        try {
            List<Started> result = new ArrayList<>(upServers(progress));
            result.addAll(upApps(progress));
            return result;
        } catch (RuntimeException e) {
            stopStartedHere(progress);
            throw e;
        }
    }

    /** The first half of {@link #up}: the servers, then the bucket and the topics. */
    public List<Started> upServers(Consumer<String> progress) {
        long t0 = System.nanoTime();
        List<Started> result = new ArrayList<>();
        List<ServiceController> servers =
                services.stream().filter(s -> !s.name().isApp()).toList();
        startAndAwait(servers, t0, progress, result);
        if (servers.stream().anyMatch(s -> s.name() == ServiceName.S3)) {
            Provisioning.ensureBucket(endpoints(), config.get(StackKey.S3_BUCKET));
        }
        if (servers.stream().anyMatch(s -> s.name() == ServiceName.KAFKA)) {
            List<String> created = Provisioning.ensureTopics(endpoints(), Topics.all());
            if (!created.isEmpty()) {
                progress.accept("created topics " + String.join(", ", created));
            }
        }
        return result;
    }

    /** The second half of {@link #up}: the platform apps, which need the servers, the bucket and the topics. */
    public List<Started> upApps(Consumer<String> progress) {
        long t0 = System.nanoTime();
        List<Started> result = new ArrayList<>();
        startAndAwait(services.stream().filter(s -> s.name().isApp()).toList(), t0, progress, result);
        return result;
    }

    private void startAndAwait(
            List<ServiceController> group, long t0, Consumer<String> progress, List<Started> result) {
        List<ServiceController.StartOutcome> outcomes = new ArrayList<>();
        for (ServiceController s : group) {
            ServiceController.StartOutcome o = s.start();
            outcomes.add(o);
            if (o == ServiceController.StartOutcome.STARTED) {
                startedHere.add(s);
            }
            progress.accept(
                    switch (o) {
                        case STARTED -> "starting " + s.name().title() + " (log: " + s.logFile() + ")";
                        case ALREADY_RUNNING -> s.name().title() + " is already running";
                        case EXTERNAL -> "using external " + s.name().title() + " at " + s.endpoint();
                    });
        }
        for (int i = 0; i < group.size(); i++) {
            ServiceController s = group.get(i);
            s.awaitHealthy(config.startTimeout());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            result.add(new Started(s.name(), outcomes.get(i), took, s.endpoint()));
            progress.accept(String.format(
                    "%-24s healthy after %5.1f s  %s", s.name().title(), took.toMillis() / 1000.0, s.endpoint()));
        }
    }

    /** The services this instance started (not those already running or external), in start order. */
    public List<ServiceName> startedHere() {
        return startedHere.stream().map(ServiceController::name).toList();
    }

    /**
     * Undoes the starts of a failed {@link #up}: stops, in reverse start order, every service this instance
     * started, including one that started but never became healthy; services that were running before, and
     * external ones, are left alone. Reports one line per service; a service that cannot be stopped is
     * reported with the remedy and the others are still stopped.
     *
     * @return the services stopped
     */
    public List<ServiceName> stopStartedHere(Consumer<String> progress) {
        List<ServiceName> stopped = new ArrayList<>();
        for (int i = startedHere.size() - 1; i >= 0; i--) {
            ServiceController s = startedHere.get(i);
            boolean wasUp = s.health().pid().isPresent();
            try {
                s.stop(config.stopTimeout());
            } catch (StackException e) {
                progress.accept(
                        "could not stop " + s.name().title() + ": " + e.getMessage() + "; stop it with ./atlas down");
                continue;
            }
            stopped.add(s.name());
            progress.accept("stopped " + s.name().title()
                    + (wasUp ? " (started by this up)" : " (started by this up; it had already exited)"));
        }
        startedHere.clear();
        return stopped;
    }

    /** Probes every service once. */
    public List<Health> status() {
        return services.stream().map(ServiceController::health).toList();
    }

    /** Stops the embedded services in reverse start order; external ones are left alone. */
    public void down(Consumer<String> progress) {
        for (int i = services.size() - 1; i >= 0; i--) {
            ServiceController s = services.get(i);
            if (s.external()) {
                continue;
            }
            boolean wasUp = s.health().pid().isPresent();
            s.stop(config.stopTimeout());
            if (wasUp) {
                progress.accept("stopped " + s.name().title());
            }
        }
    }
}
