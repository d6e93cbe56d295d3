package org.liveatlas.infra.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/** A service the stack uses but does not run (a Kafka, OpenSearch, S3 or Flink cluster elsewhere). */
final class ExternalServer implements ServiceController {
    private final ServiceName name;
    private final String endpoint;
    private final HealthProbe probe;

    ExternalServer(ServiceName name, String endpoint, HealthProbe probe) {
        this.name = name;
        this.endpoint = endpoint;
        this.probe = probe;
    }

    @Override
    public ServiceName name() {
        return name;
    }

    @Override
    public boolean external() {
        return true;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Health health() {
        try {
            return new Health(name, true, true, OptionalLong.empty(), endpoint, probe.check(), -1);
        } catch (Exception e) {
            return new Health(name, true, false, OptionalLong.empty(), endpoint, EmbeddedServer.describe(e), -1);
        }
    }

    @Override
    public StartOutcome start() {
        return StartOutcome.EXTERNAL;
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        do {
            try {
                probe.check();
                return;
            } catch (Exception e) {
                last = EmbeddedServer.describe(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        throw new StackException("external " + name.title() + " at " + endpoint + " is not reachable (" + last
                + "); check the endpoint configuration and that the server is up");
    }

    @Override
    public void stop(Duration timeout) {
        // not ours to stop
    }

    @Override
    public Path logFile() {
        return Path.of("/dev/null");
    }
}
