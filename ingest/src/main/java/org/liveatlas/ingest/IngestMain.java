package org.liveatlas.ingest;

import org.liveatlas.core.AtlasException;

/**
 * Runs the ingest service until SIGTERM; configuration from system properties and environment ({@link ConfigKey}).
 * Exit code 0 after a clean stop, 2 for a configuration error, 1 for any other failure.
 */
public final class IngestMain {
    private IngestMain() {}

    public static void main(String[] args) {
        IngestConfig config;
        try {
            config = IngestConfig.fromEnvironment();
        } catch (AtlasException e) {
            System.err.println("atlas ingest: " + e.getMessage());
            System.exit(2);
            return;
        }
        IngestService service;
        try {
            service = IngestService.create(config);
        } catch (RuntimeException e) {
            System.err.println("atlas ingest: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Thread worker = Thread.currentThread();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.stop();
                            try {
                                worker.join(30_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "ingest-shutdown"));
        try {
            service.run();
        } finally {
            service.close();
        }
    }
}
