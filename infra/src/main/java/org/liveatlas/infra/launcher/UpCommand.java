package org.liveatlas.infra.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.liveatlas.infra.apps.AppRunner;
import org.liveatlas.infra.apps.PlatformApp;
import org.liveatlas.infra.demo.DemoAtlas;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.ServiceController;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackException;
import org.liveatlas.infra.stack.StackKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code atlas up}: starts the servers, submits the Flink jobs, starts the platform apps, seeds the demo
 * atlas on a fresh data folder, and prints every endpoint.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start every service that is not running (running ones are left alone), submit the indexing"
                + " jobs, start the apps, seed the demo atlas on a fresh data folder, and print the endpoints.")
final class UpCommand implements Callable<Integer> {
    /** How long the demo's studies may take to be indexed once the jobs run. */
    static final Duration DEMO_INDEX_TIMEOUT = Duration.ofMinutes(10);

    @ParentCommand
    AtlasMain parent;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--demo",
            negatable = true,
            description = "Seed the demo atlas (--demo) or not (--no-demo); default: seed it when this data folder"
                    + " has none yet (atlas.demo=auto).")
    Boolean demo;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StackConfig config = parent.config();
        long t0 = System.nanoTime();
        out.println("LiveAtlas: data in " + config.dataDir());
        Path home = AppRunner.defaultHome();
        AtlasStack stack = new AtlasStack(config);
        DemoAtlas demoAtlas = new DemoAtlas(home, config);
        boolean seed = !demoAtlas.seeded() && (demo != null ? demo : config.demoAuto());
        if (demo != null && demo && demoAtlas.seeded()) {
            out.println("demo: already seeded in " + config.dataDir() + " (delete "
                    + config.dataDir().resolve("demo") + " to seed it again)");
        }
        int count;
        try {
            count = startAll(stack, home, config, demoAtlas, seed, out);
        } catch (RuntimeException e) {
            out.println("up failed; stopping the services this up started (those running before are left alone):");
            List<ServiceName> stopped = stack.stopStartedHere(out::println);
            if (stopped.isEmpty()) {
                out.println("(this up had started none)");
            }
            throw e;
        }
        out.printf("%nAll %d services healthy in %.1f s.%n", count, (System.nanoTime() - t0) / 1e9);
        if (seed) {
            demoAtlas.awaitIndexed(DEMO_INDEX_TIMEOUT, out::println);
            boolean ready =
                    config.apps().contains(ServiceName.QUERY_API) && demoAtlas.awaitApiReady(Duration.ofSeconds(60));
            out.printf("demo: seeded in %.1f s%s%n", (System.nanoTime() - t0) / 1e9, ready ? "; the API is ready" : "");
            out.println("demo: open " + config.endpoints().apiUrl() + "/ and annotate " + DemoAtlas.EXAMPLE_QUERY);
        }
        Printing.endpoints(config, out);
        return 0;
    }

    /**
     * The start phase of {@code up}: servers, demo deposits, jobs, apps; returns how many services run. Throws on
     * the first failure, leaving what it started to the caller to stop.
     */
    private static int startAll(
            AtlasStack stack, Path home, StackConfig config, DemoAtlas demoAtlas, boolean seed, PrintWriter out) {
        int count = stack.upServers(out::println).size();
        if (seed) {
            out.println("demo: seeding the demo atlas (first up on this data folder; --no-demo skips it)");
            demoAtlas.depositAndTrain(out::println);
        }
        boolean jobs = config.flag(StackKey.FLINK_JOBS)
                && stack.services().stream().anyMatch(s -> s.name() == ServiceName.FLINK);
        if (jobs) {
            submitJobs(home, config, out);
        }
        List<AtlasStack.Started> apps = stack.upApps(out::println);
        count += apps.size();
        if (apps.stream()
                .anyMatch(s ->
                        s.service() == ServiceName.TRAINER && s.outcome() == ServiceController.StartOutcome.STARTED)) {
            out.println(
                    "trainer service: training with " + stack.trainerSettings().describe());
        }
        return count;
    }

    /** A log line of the job client at INFO level, as flink-jobs' log4j2 pattern writes it. */
    private static final java.util.regex.Pattern FLINK_INFO_LINE =
            java.util.regex.Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO .*");

    /** Submits IndexStudyJob and ReindexJob (once: jobs already running are left alone). */
    private static void submitJobs(Path home, StackConfig config, PrintWriter out) {
        out.println(
                "submitting the indexing jobs to Flink at " + config.endpoints().flinkRestUrl());
        long t0 = System.nanoTime();
        List<String> lines = new ArrayList<>();
        int code = new AppRunner(home, config)
                .runCaptured(PlatformApp.FLINK_JOBS, "org.liveatlas.flink.PlatformJobs", List.of(), Map.of(), line -> {
                    lines.add(line);
                    // the Flink client's INFO log lines are noise here; its warnings and the submitter's own lines are
                    // not
                    if (!FLINK_INFO_LINE.matcher(line).matches()) {
                        out.println("  " + line);
                    }
                });
        if (code != 0) {
            lines.forEach(l -> out.println("  " + l));
            throw new StackException("submitting the Flink jobs failed (exit " + code + "); see the lines above and "
                    + config.serviceDir(ServiceName.FLINK).resolve("flink.log"));
        }
        out.printf("Flink jobs running after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
