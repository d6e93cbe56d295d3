package org.liveatlas.infra.apps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.liveatlas.infra.stack.Distribution;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackException;
import org.liveatlas.infra.stack.StackKey;

/** Runs an app's main class in a child JVM that shares the launcher's terminal and configuration. */
public final class AppRunner {
    private final Path home;
    private final StackConfig config;

    /**
     * @param home the project root (the {@code atlas} script passes it as {@code -Datlas.home})
     * @param config the stack configuration, handed to the app as {@code ATLAS_*} environment variables
     */
    public AppRunner(Path home, StackConfig config) {
        this.home = home;
        this.config = config;
    }

    /** The project root from {@code -Datlas.home}, else the working directory. */
    public static Path defaultHome() {
        return Path.of(System.getProperty("atlas.home", ".")).toAbsolutePath().normalize();
    }

    /** The jar and runtime classpath of an app, as its build recorded them. */
    public List<Path> classpath(PlatformApp app) {
        if (app == PlatformApp.QUERY_API) {
            throw new IllegalArgumentException("the query API is a Quarkus app: run it with quarkusCommand");
        }
        Path target = home.resolve(app.module()).resolve("target");
        Path cpFile = target.resolve("app.classpath");
        Path jar = target.resolve(app.artifactId() + "-0.1.0-SNAPSHOT.jar");
        if (!Files.isRegularFile(cpFile) || !Files.isRegularFile(jar)) {
            throw new StackException("the " + app.module() + " app is not built (" + jar + " or " + cpFile
                    + " missing); run ./mvnw -B package -DskipTests -pl " + app.module() + " -am, or use ./atlas, which"
                    + " builds it");
        }
        try {
            List<Path> cp = new ArrayList<>();
            cp.add(jar);
            for (String e :
                    Files.readString(cpFile, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
                if (!e.isBlank()) {
                    cp.add(Path.of(e));
                }
            }
            if (app == PlatformApp.FLINK_JOBS) {
                // Flink is provided by the cluster, so the build leaves it out; submitting needs its client
                cp.addAll(Distribution.jars("flink"));
            }
            return cp;
        } catch (IOException e) {
            throw new StackException("cannot read " + cpFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The jars of the Flink jobs' runtime dependencies minus those Flink itself brings (same group and
     * artifact in the embedded cluster's distribution): what a Flink cluster's {@code lib/} folder would
     * hold, so that the pipeline's libraries, DJL's PyTorch JNI above all, load once per cluster JVM and
     * not once per job. Empty when flink-jobs is not built.
     */
    public List<Path> flinkJobLibraries() {
        Path cpFile = home.resolve(PlatformApp.FLINK_JOBS.module()).resolve("target/app.classpath");
        if (!Files.isRegularFile(cpFile)) {
            return List.of();
        }
        java.util.Set<Path> flinkArtifacts = new java.util.HashSet<>();
        for (Path jar : Distribution.jars("flink")) {
            flinkArtifacts.add(artifactFolder(jar));
        }
        List<Path> libs = new ArrayList<>();
        try {
            for (String e :
                    Files.readString(cpFile, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
                if (!e.isBlank() && !flinkArtifacts.contains(artifactFolder(Path.of(e)))) {
                    libs.add(Path.of(e));
                }
            }
        } catch (IOException e) {
            throw new StackException("cannot read " + cpFile + ": " + e.getMessage(), e);
        }
        return libs;
    }

    /** {@code ~/.m2/.../group/artifact} of a jar in the local repository (its version folder's parent). */
    private static Path artifactFolder(Path jar) {
        Path versionDir = jar.toAbsolutePath().getParent();
        return versionDir == null || versionDir.getParent() == null ? jar : versionDir.getParent();
    }

    /** The command that runs the Quarkus app {@code app} ({@code java -jar .../quarkus-run.jar}). */
    public List<String> quarkusCommand(PlatformApp app, List<String> jvmArgs) {
        Path jar = home.resolve(app.module()).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new StackException("the " + app.module() + " app is not built (" + jar + " missing); run ./mvnw -B"
                    + " package -DskipTests -pl " + app.module() + " -am, or use ./atlas, which builds it");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }

    /** The environment that tells an app where the stack is: every {@link StackKey} as its variable. */
    public Map<String, String> environment() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (StackKey k : StackKey.values()) {
            env.put(k.envName(), config.get(k));
        }
        Endpoints e = config.endpoints();
        // the resolved endpoints, so an app needs no knowledge of embedded defaults
        env.put("ATLAS_KAFKA_BOOTSTRAP", e.kafkaBootstrap());
        env.put("ATLAS_S3_ENDPOINT", e.s3Endpoint());
        env.put("ATLAS_OPENSEARCH_URL", e.openSearchUrl());
        env.put("ATLAS_FLINK_REST_URL", e.flinkRestUrl());
        if (!config.isExternal(ServiceName.FLINK)) {
            // the embedded cluster's own folder: jobs retain their checkpoints there and resume from them when
            // submitted again (after the cluster died, or after down and up)
            env.put(
                    "ATLAS_FLINK_CHECKPOINTS_DIR",
                    config.serviceDir(ServiceName.FLINK).resolve("checkpoints").toString());
        }
        env.put("ATLAS_DATA_DIR", config.dataDir().toString());
        env.put("ATLAS_API_URL", e.apiUrl());
        // the trainer's service and `atlas train` share one working folder, hence one training lock
        env.put(
                "ATLAS_TRAINER_WORK_DIR",
                config.dataDir().resolve("trainer").resolve("work").toString());
        env.put("ATLAS_TRAINER_MIN_SHARED_GENES", config.get(StackKey.MIN_SHARED_GENES));
        env.put("ATLAS_STUDY_MIN_SHARED_GENES", config.get(StackKey.MIN_SHARED_GENES));
        // the query API (Quarkus reads QUARKUS_* and ATLAS_QUERY_* variables)
        env.put("QUARKUS_HTTP_HOST", config.host());
        env.put("QUARKUS_HTTP_PORT", config.get(StackKey.API_PORT));
        env.put("ATLAS_QUERY_OPENSEARCH_URL", e.openSearchUrl());
        env.put("ATLAS_QUERY_SECURITY_ANONYMOUS_ACCESS", config.get(StackKey.API_ANONYMOUS_ACCESS));
        env.put("ATLAS_QUERY_ANNOTATE_MIN_SHARED_GENES", config.get(StackKey.MIN_SHARED_GENES));
        return env;
    }

    /** The full command line that runs {@code mainClass} of {@code app} with {@code args}. */
    public List<String> command(PlatformApp app, String mainClass, List<String> jvmArgs, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(String.join(
                java.io.File.pathSeparator,
                classpath(app).stream().map(Path::toString).toList()));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs a command-line tool of an app and hands each line it prints (stdout and stderr) to {@code
     * lines}, so the launcher can show it as progress; returns the exit code.
     *
     * @param extraEnv variables added to (and overriding) the stack's environment
     */
    public int runCaptured(
            PlatformApp app,
            String mainClass,
            List<String> args,
            Map<String, String> extraEnv,
            java.util.function.Consumer<String> lines) {
        ProcessBuilder pb = new ProcessBuilder(command(
                        app, mainClass, List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), args))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(environment());
        pb.environment().putAll(extraEnv);
        return run(app, mainClass, pb, p -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.accept(line);
                }
            }
        });
    }

    /** Runs a command-line tool of an app in the foreground, sharing this terminal; returns its exit code. */
    public int runInForeground(PlatformApp app, String mainClass, List<String> args) {
        return runInForeground(app, mainClass, args, Map.of());
    }

    /**
     * Runs a command-line tool of an app in the foreground, sharing this terminal; returns its exit code.
     *
     * @param extraEnv variables added to (and overriding) the stack's environment
     */
    public int runInForeground(PlatformApp app, String mainClass, List<String> args, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(command(
                        app, mainClass, List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), args))
                .inheritIO();
        pb.environment().putAll(environment());
        pb.environment().putAll(extraEnv);
        return run(app, mainClass, pb, p -> {});
    }

    /** What to do with a started process before waiting for it. */
    private interface WhileRunning {
        void accept(Process p) throws IOException;
    }

    /** Starts {@code pb}, hands the process to {@code whileRunning}, waits; returns the exit code. */
    private static int run(PlatformApp app, String mainClass, ProcessBuilder pb, WhileRunning whileRunning) {
        try {
            Process p = pb.start();
            whileRunning.accept(p);
            return p.waitFor();
        } catch (IOException e) {
            throw new StackException("cannot run " + app.module() + " (" + mainClass + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + app.module());
        }
    }
}
