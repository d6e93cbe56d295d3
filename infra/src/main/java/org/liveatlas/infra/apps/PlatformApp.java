package org.liveatlas.infra.apps;

/**
 * The platform's apps as the launcher runs them: each in its own JVM, on the classpath its module's
 * build recorded in {@code <module>/target/app.classpath}. The launcher never loads app classes
 * itself, so apps stay independent of each other and of the launcher.
 */
public enum PlatformApp {
    INGEST("ingest", "liveatlas-ingest"),
    TRAINER("trainer", "liveatlas-trainer"),
    /** The Flink jobs' thin jar; its classpath adds Flink's client (the cluster provides Flink itself). */
    FLINK_JOBS("flink-jobs", "liveatlas-flink-jobs"),
    /** A Quarkus app: run as {@code java -jar target/quarkus-app/quarkus-run.jar}, not from a classpath. */
    QUERY_API("query-api", "liveatlas-query-api");

    private final String module;
    private final String artifactId;

    PlatformApp(String module, String artifactId) {
        this.module = module;
        this.artifactId = artifactId;
    }

    /** The module folder under the project root. */
    public String module() {
        return module;
    }

    public String artifactId() {
        return artifactId;
    }
}
