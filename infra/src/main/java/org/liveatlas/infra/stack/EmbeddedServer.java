package org.liveatlas.infra.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** A server of the stack that runs as a child process of the launcher. */
final class EmbeddedServer implements ServiceController {
    /** Prepares the server's files and returns its command line. */
    @FunctionalInterface
    interface Launch {
        List<String> prepare() throws IOException;
    }

    private final ServiceName name;
    private final String endpoint;
    private final Path dir;
    private final String host;
    private final Map<String, Integer> ports;
    private final Launch launch;
    private final HealthProbe probe;
    private final ChildProcess process;
    private final java.util.function.Supplier<Map<String, String>> environment;

    EmbeddedServer(
            ServiceName name,
            String endpoint,
            Path dir,
            String host,
            Map<String, Integer> ports,
            Launch launch,
            HealthProbe probe) {
        this(name, endpoint, dir, host, ports, launch, probe, Map.of());
    }

    EmbeddedServer(
            ServiceName name,
            String endpoint,
            Path dir,
            String host,
            Map<String, Integer> ports,
            Launch launch,
            HealthProbe probe,
            Map<String, String> environment) {
        this(name, endpoint, dir, host, ports, launch, probe, constant(Map.copyOf(environment)));
    }

    /** A server whose environment is worked out at each start ({@code environment} is asked then). */
    EmbeddedServer(
            ServiceName name,
            String endpoint,
            Path dir,
            String host,
            Map<String, Integer> ports,
            Launch launch,
            HealthProbe probe,
            java.util.function.Supplier<Map<String, String>> environment) {
        this.environment = environment;
        this.name = name;
        this.endpoint = endpoint;
        this.dir = dir;
        this.host = host;
        this.ports = Map.copyOf(ports);
        this.launch = launch;
        this.probe = probe;
        this.process = new ChildProcess(name.title(), dir.resolve(name.id() + ".pid"), dir.resolve(name.id() + ".log"));
    }

    private static java.util.function.Supplier<Map<String, String>> constant(Map<String, String> environment) {
        return () -> environment;
    }

    @Override
    public ServiceName name() {
        return name;
    }

    @Override
    public boolean external() {
        return false;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public Health health() {
        Optional<ProcessHandle> running = process.running();
        long size = dataBytes();
        if (running.isEmpty()) {
            return new Health(
                    name,
                    false,
                    false,
                    OptionalLong.empty(),
                    endpoint,
                    process.deathNotice().orElse("not running"),
                    size);
        }
        OptionalLong pid = OptionalLong.of(running.get().pid());
        try {
            return new Health(name, false, true, pid, endpoint, probe.check(), size);
        } catch (Exception e) {
            return new Health(name, false, false, pid, endpoint, "running but not healthy: " + describe(e), size);
        }
    }

    @Override
    public StartOutcome start() {
        if (process.running().isPresent()) {
            return StartOutcome.ALREADY_RUNNING;
        }
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            if (!isFree(host, port.getValue())) {
                throw new StackException(name.title() + ": " + port.getKey() + " " + host + ":" + port.getValue()
                        + " is already in use by another process; stop that process or choose another port"
                        + " (see ./atlas help for the atlas.*.port keys)");
            }
        }
        List<String> command;
        try {
            Files.createDirectories(dir);
            command = launch.prepare();
        } catch (IOException e) {
            throw new StackException("cannot prepare " + name.title() + " in " + dir + ": " + e.getMessage(), e);
        }
        process.start(command, dir, environment.get());
        return StartOutcome.STARTED;
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (process.running().isEmpty()) {
                throw new StackException(name.title() + " exited while starting. Last lines of " + logFile() + ":"
                        + System.lineSeparator() + process.logTail(25));
            }
            try {
                probe.check();
                return;
            } catch (Exception e) {
                last = describe(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for " + name.title());
            }
        }
        throw new StackException(name.title() + " did not become healthy within " + timeout.toSeconds() + " s (" + last
                + "). Last lines of " + logFile() + ":" + System.lineSeparator() + process.logTail(25));
    }

    @Override
    public void stop(Duration timeout) {
        process.stop(timeout);
    }

    private long dataBytes() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.length() > 200 ? msg.substring(0, 200) + "..." : msg;
    }
}
