package org.liveatlas.infra.apps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.liveatlas.infra.stack.Endpoints;
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
            return cp;
        } catch (IOException e) {
            throw new StackException("cannot read " + cpFile + ": " + e.getMessage(), e);
        }
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
        env.put("ATLAS_DATA_DIR", config.dataDir().toString());
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

    /** Runs a command-line tool of an app in the foreground, sharing this terminal; returns its exit code. */
    public int runInForeground(PlatformApp app, String mainClass, List<String> args) {
        ProcessBuilder pb = new ProcessBuilder(command(
                        app, mainClass, List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), args))
                .inheritIO();
        pb.environment().putAll(environment());
        try {
            Process p = pb.start();
            return p.waitFor();
        } catch (IOException e) {
            throw new StackException("cannot run " + app.module() + " (" + mainClass + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + app.module());
        }
    }
}
