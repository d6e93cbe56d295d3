package org.liveatlas.infra.stack;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The validated configuration of the stack: embedded services with their ports, or external
 * endpoints. Built by {@link #load}; every key is listed in {@link StackKey}.
 */
public final class StackConfig {
    /** Flink deployment: a MiniCluster the launcher runs, or an existing cluster. */
    public enum FlinkMode {
        EMBEDDED,
        CLUSTER
    }

    private final Map<StackKey, String> values;
    private final Path dataDir;

    private StackConfig(Map<StackKey, String> values) {
        this.values = new EnumMap<>(values);
        this.dataDir = Path.of(get(StackKey.DATA_DIR)).toAbsolutePath().normalize();
        for (StackKey k : StackKey.values()) {
            if (k.key().endsWith("port")) {
                port(k);
            } else if (k.key().endsWith("seconds")
                    || k.key().endsWith("slots")
                    || k.key().endsWith("uid")) {
                positiveInt(k);
            } else if (k.key().endsWith("heap")) {
                String v = get(k);
                if (!v.matches("[1-9][0-9]*[mMgG]")) {
                    throw invalid(k, v, "a heap size such as 512m or 2g");
                }
            }
        }
        positiveInt(StackKey.MIN_SHARED_GENES);
        positiveInt(StackKey.API_EXPRESSION_MAX_CELLS);
        flag(StackKey.API_ANONYMOUS_ACCESS);
        flag(StackKey.FLINK_JOBS);
        demo();
        flinkMode();
        if (flinkMode() == FlinkMode.CLUSTER && get(StackKey.FLINK_REST_URL).isBlank()) {
            throw new StackException(StackKey.FLINK_MODE.key() + "=cluster needs " + StackKey.FLINK_REST_URL.key()
                    + " (env " + StackKey.FLINK_REST_URL.envName()
                    + "), the REST URL of the Flink cluster, e.g. http://flink-jobmanager:8081");
        }
    }

    /**
     * Loads the configuration.
     *
     * @param overrides values given on the command line (highest precedence), keyed by {@link StackKey#key()}
     * @param env the process environment
     * @param propertiesFile an optional properties file (lowest precedence above defaults)
     */
    public static StackConfig load(
            Map<String, String> overrides, Map<String, String> env, Optional<Path> propertiesFile) {
        Properties file = new Properties();
        if (propertiesFile.isPresent()) {
            Path p = propertiesFile.get();
            if (!Files.isReadable(p)) {
                throw new StackException("configuration file " + p + " does not exist or is not readable");
            }
            try (Reader r = Files.newBufferedReader(p)) {
                file.load(r);
            } catch (IOException e) {
                throw new StackException("cannot read configuration file " + p + ": " + e.getMessage(), e);
            }
            for (String name : file.stringPropertyNames()) {
                if (StackKey.valueOfKey(name).isEmpty()) {
                    throw new StackException(
                            "unknown key '" + name + "' in " + p + "; known keys: " + StackKey.knownKeys());
                }
            }
        }
        for (String name : overrides.keySet()) {
            if (StackKey.valueOfKey(name).isEmpty()) {
                throw new StackException(
                        "unknown configuration key '" + name + "'; known keys: " + StackKey.knownKeys());
            }
        }
        Map<StackKey, String> values = new EnumMap<>(StackKey.class);
        for (StackKey k : StackKey.values()) {
            String v = overrides.get(k.key());
            if (v == null) {
                v = env.get(k.envName());
            }
            if (v == null) {
                v = file.getProperty(k.key());
            }
            values.put(k, v == null ? k.defaultValue() : v.trim());
        }
        return new StackConfig(values);
    }

    /** The embedded defaults, for tests and tools: every key at its default. */
    public static StackConfig defaults() {
        return load(Map.of(), Map.of(), Optional.empty());
    }

    /** A copy with some keys replaced. */
    public StackConfig with(Map<StackKey, String> changes) {
        Map<StackKey, String> copy = new EnumMap<>(values);
        copy.putAll(changes);
        return new StackConfig(copy);
    }

    public String get(StackKey key) {
        return values.get(key);
    }

    public Path dataDir() {
        return dataDir;
    }

    public String host() {
        return get(StackKey.HOST);
    }

    public int port(StackKey key) {
        String v = get(key);
        try {
            int p = Integer.parseInt(v);
            if (p < 1 || p > 65535) {
                throw invalid(key, v, "a TCP port between 1 and 65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a TCP port between 1 and 65535");
        }
    }

    public int positiveInt(StackKey key) {
        String v = get(key);
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw invalid(key, v, "a non-negative whole number");
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a non-negative whole number");
        }
    }

    public Duration startTimeout() {
        return Duration.ofSeconds(positiveInt(StackKey.START_TIMEOUT));
    }

    public Duration stopTimeout() {
        return Duration.ofSeconds(positiveInt(StackKey.STOP_TIMEOUT));
    }

    public FlinkMode flinkMode() {
        String v = get(StackKey.FLINK_MODE);
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "embedded" -> FlinkMode.EMBEDDED;
            case "cluster" -> FlinkMode.CLUSTER;
            default -> throw invalid(StackKey.FLINK_MODE, v, "embedded or cluster");
        };
    }

    /** True when the service is configured as external: the launcher checks it but never starts it. */
    public boolean isExternal(ServiceName service) {
        return switch (service) {
            case KAFKA -> !get(StackKey.KAFKA_BOOTSTRAP).isBlank();
            case S3 -> !get(StackKey.S3_ENDPOINT).isBlank();
            case OPENSEARCH -> !get(StackKey.OPENSEARCH_URL).isBlank();
            case FLINK -> flinkMode() == FlinkMode.CLUSTER;
            case INGEST, TRAINER, QUERY_API -> false;
        };
    }

    /** The endpoints apps connect to, embedded or external. */
    public Endpoints endpoints() {
        String h = host();
        return new Endpoints(
                isExternal(ServiceName.KAFKA) ? get(StackKey.KAFKA_BOOTSTRAP) : h + ":" + port(StackKey.KAFKA_PORT),
                isExternal(ServiceName.S3) ? get(StackKey.S3_ENDPOINT) : "http://" + h + ":" + port(StackKey.S3_PORT),
                get(StackKey.S3_ACCESS_KEY),
                get(StackKey.S3_SECRET_KEY),
                isExternal(ServiceName.OPENSEARCH)
                        ? stripSlash(get(StackKey.OPENSEARCH_URL))
                        : "http://" + h + ":" + port(StackKey.OPENSEARCH_PORT),
                isExternal(ServiceName.FLINK)
                        ? stripSlash(get(StackKey.FLINK_REST_URL))
                        : "http://" + h + ":" + port(StackKey.FLINK_PORT),
                "http://" + h + ":" + port(StackKey.API_PORT));
    }

    /** A true/false key. */
    public boolean flag(StackKey key) {
        String v = get(key).toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, get(key), "true or false");
        };
    }

    /** Whether {@code up} seeds the demo atlas on an empty data folder ({@link StackKey#DEMO}). */
    public boolean demoAuto() {
        return demo();
    }

    private boolean demo() {
        String v = get(StackKey.DEMO).toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "auto" -> true;
            case "off" -> false;
            default -> throw invalid(StackKey.DEMO, get(StackKey.DEMO), "auto or off");
        };
    }

    /** The platform apps that {@code up} runs beside the servers ({@link StackKey#APPS}). */
    public java.util.Set<ServiceName> apps() {
        java.util.Set<ServiceName> apps = java.util.EnumSet.noneOf(ServiceName.class);
        for (String a : get(StackKey.APPS).split(",")) {
            String id = a.trim();
            if (id.isEmpty()) {
                continue;
            }
            ServiceName app = java.util.Arrays.stream(ServiceName.values())
                    .filter(s -> s.isApp() && s.id().equals(id))
                    .findFirst()
                    .orElseThrow(() -> invalid(
                            StackKey.APPS,
                            get(StackKey.APPS),
                            "a comma-separated list of: ingest, trainer, query-api"));
            apps.add(app);
        }
        return apps;
    }

    /** The folder of one embedded service inside the data directory. */
    public Path serviceDir(ServiceName service) {
        return dataDir.resolve(service.id());
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static StackException invalid(StackKey key, String value, String expected) {
        return new StackException("configuration " + key.key() + " (env " + key.envName() + ") is '" + value
                + "'; expected " + expected + " (default " + key.defaultValue() + ")");
    }
}
