package org.liveatlas.infra.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;

/**
 * The real servers for one test JVM: Kafka, the S3 store and OpenSearch, started once on free ports
 * in a fresh temporary data directory and stopped when the JVM exits.
 */
final class SharedStack {
    static final String RUN_ID = Long.toString(System.nanoTime() % 46656, 36);
    private static AtlasStack stack;
    private static Path dataDir;

    private SharedStack() {}

    static synchronized Endpoints endpoints() {
        if (stack == null) {
            stack = start(EnumSet.of(ServiceName.KAFKA, ServiceName.S3, ServiceName.OPENSEARCH));
            Runtime.getRuntime().addShutdownHook(new Thread(SharedStack::stop, "liveatlas-test-stack-stop"));
        }
        return stack.endpoints();
    }

    /** Starts a stack of the given services in its own temporary folder on free ports. */
    static AtlasStack start(Set<ServiceName> services) {
        try {
            // world-searchable, since OpenSearch runs as an unprivileged uid when tests run as root
            dataDir = Files.createTempDirectory(
                    "liveatlas-it-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary data directory: " + e.getMessage(), e);
        }
        StackConfig config = freePortConfig(dataDir);
        AtlasStack s = new AtlasStack(config, services);
        long t0 = System.nanoTime();
        s.up(line -> System.out.println("[test stack] " + line));
        System.out.printf("[test stack] up in %.1f s, data in %s%n", (System.nanoTime() - t0) / 1e9, dataDir);
        return s;
    }

    /** The default configuration with every port replaced by a free one and the given data dir. */
    static StackConfig freePortConfig(Path dir) {
        Map<StackKey, String> m = new EnumMap<>(StackKey.class);
        m.put(StackKey.DATA_DIR, dir.toString());
        Set<Integer> taken = new HashSet<>();
        for (StackKey k : StackKey.values()) {
            if (k.key().endsWith("port")) {
                m.put(k, Integer.toString(freePort(taken)));
            }
        }
        m.put(StackKey.START_TIMEOUT, "240");
        m.put(StackKey.STOP_TIMEOUT, "20");
        m.put(StackKey.OPENSEARCH_HEAP, "512m");
        return StackConfig.defaults().with(m);
    }

    private static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int p = s.getLocalPort();
                if (taken.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot find a free port: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("cannot find a free port");
    }

    private static synchronized void stop() {
        if (stack != null) {
            stack.down(line -> {});
            stack = null;
        }
        deleteQuietly(dataDir);
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("[test stack] could not delete " + dir + ": " + e.getMessage());
        }
    }
}
