package org.liveatlas.infra.apps;

/**
 * The platform's apps as the launcher runs them: each in its own JVM, on the classpath its module's
 * build recorded in {@code <module>/target/app.classpath}. The launcher never loads app classes
 * itself, so apps stay independent of each other and of the launcher.
 */
public enum PlatformApp {
    INGEST("ingest", "liveatlas-ingest"),
    TRAINER("trainer", "liveatlas-trainer");

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
