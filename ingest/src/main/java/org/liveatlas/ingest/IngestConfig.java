package org.liveatlas.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liveatlas.core.AtlasException;

/**
 * The ingest service's validated configuration; see {@link ConfigKey} for every key and default.
 *
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param s3Endpoint S3 endpoint URL
 * @param s3AccessKey S3 access key
 * @param s3SecretKey S3 secret key
 * @param s3Region S3 region
 * @param bucket the atlas bucket
 * @param depositsTopic StudyDeposited / StudyWithdrawn topic (and ledger)
 * @param dlqTopic dead-letter topic
 * @param statusTopic StudyStatus topic
 * @param s3EventsTopic MinIO notification topic
 * @param trigger scanner, notifications or both
 * @param scanInterval pause between scans
 * @param incompleteTimeout age after which a deposit without study.json is quarantined
 * @param maxFileBytes largest data file
 * @param maxDepositBytes largest deposit
 * @param maxStudyJsonBytes largest study.json
 * @param bridgeGroup consumer group of the notification bridge
 * @param clientId Kafka client id prefix
 */
public record IngestConfig(
        String kafkaBootstrap,
        URI s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Region,
        String bucket,
        String depositsTopic,
        String dlqTopic,
        String statusTopic,
        String s3EventsTopic,
        TriggerMode trigger,
        Duration scanInterval,
        Duration incompleteTimeout,
        long maxFileBytes,
        long maxDepositBytes,
        long maxStudyJsonBytes,
        String bridgeGroup,
        String clientId) {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public IngestConfig {
        requireText(kafkaBootstrap, ConfigKey.KAFKA_BOOTSTRAP);
        Objects.requireNonNull(s3Endpoint, ConfigKey.S3_ENDPOINT.key());
        if (s3Endpoint.getScheme() == null
                || !(s3Endpoint.getScheme().equals("http")
                        || s3Endpoint.getScheme().equals("https"))) {
            throw new AtlasException(
                    ConfigKey.S3_ENDPOINT.key() + " '" + s3Endpoint + "' must be an http:// or https:// URL");
        }
        requireText(s3AccessKey, ConfigKey.S3_ACCESS_KEY);
        requireText(s3SecretKey, ConfigKey.S3_SECRET_KEY);
        requireText(s3Region, ConfigKey.S3_REGION);
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new AtlasException(ConfigKey.S3_BUCKET.key() + " '" + bucket
                    + "' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')");
        }
        requireText(depositsTopic, ConfigKey.TOPIC_DEPOSITS);
        requireText(dlqTopic, ConfigKey.TOPIC_DLQ);
        requireText(statusTopic, ConfigKey.TOPIC_STATUS);
        requireText(s3EventsTopic, ConfigKey.TOPIC_S3_EVENTS);
        Objects.requireNonNull(trigger, ConfigKey.TRIGGER.key());
        requirePositive(scanInterval, ConfigKey.SCAN_INTERVAL);
        if (incompleteTimeout == null || incompleteTimeout.isNegative()) {
            throw new AtlasException(
                    ConfigKey.INCOMPLETE_TIMEOUT.key() + " must be zero or positive, got " + incompleteTimeout);
        }
        if (maxFileBytes < 1 || maxDepositBytes < maxFileBytes || maxStudyJsonBytes < 1) {
            throw new AtlasException("size limits must be positive with " + ConfigKey.MAX_DEPOSIT_SIZE.key() + " ("
                    + maxDepositBytes + ") >= " + ConfigKey.MAX_FILE_SIZE.key() + " (" + maxFileBytes + ")");
        }
        requireText(bridgeGroup, ConfigKey.BRIDGE_GROUP);
        requireText(clientId, ConfigKey.CLIENT_ID);
    }

    /** Reads the configuration from system properties, then the environment, then the defaults. */
    public static IngestConfig fromEnvironment() {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return from(props, System.getenv());
    }

    /**
     * Reads the configuration from {@code properties} (keys as in {@link ConfigKey#key()}), then {@code env}
     * (names as in {@link ConfigKey#envName()}), then the defaults; every bad value is reported at once.
     */
    public static IngestConfig from(Map<String, String> properties, Map<String, String> env) {
        Map<ConfigKey, String> raw = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            String value = properties.get(key.key());
            if (value == null) {
                value = env.get(key.envName());
            }
            raw.put(key, value == null ? key.defaultValue() : value.trim());
        }
        List<String> errors = new ArrayList<>();
        URI endpoint = parse(raw, ConfigKey.S3_ENDPOINT, URI::create, errors);
        TriggerMode trigger = parse(raw, ConfigKey.TRIGGER, IngestConfig::parseTrigger, errors);
        Duration scan = parse(raw, ConfigKey.SCAN_INTERVAL, IngestConfig::parseDuration, errors);
        Duration incomplete = parse(raw, ConfigKey.INCOMPLETE_TIMEOUT, IngestConfig::parseDuration, errors);
        Long maxFile = parse(raw, ConfigKey.MAX_FILE_SIZE, IngestConfig::parseSize, errors);
        Long maxDeposit = parse(raw, ConfigKey.MAX_DEPOSIT_SIZE, IngestConfig::parseSize, errors);
        Long maxStudyJson = parse(raw, ConfigKey.MAX_STUDY_JSON_SIZE, IngestConfig::parseSize, errors);
        if (!errors.isEmpty()) {
            throw new AtlasException("invalid ingest configuration: " + String.join("; ", errors));
        }
        return new IngestConfig(
                raw.get(ConfigKey.KAFKA_BOOTSTRAP),
                endpoint,
                raw.get(ConfigKey.S3_ACCESS_KEY),
                raw.get(ConfigKey.S3_SECRET_KEY),
                raw.get(ConfigKey.S3_REGION),
                raw.get(ConfigKey.S3_BUCKET),
                raw.get(ConfigKey.TOPIC_DEPOSITS),
                raw.get(ConfigKey.TOPIC_DLQ),
                raw.get(ConfigKey.TOPIC_STATUS),
                raw.get(ConfigKey.TOPIC_S3_EVENTS),
                trigger,
                scan,
                incomplete,
                maxFile,
                maxDeposit,
                maxStudyJson,
                raw.get(ConfigKey.BRIDGE_GROUP),
                raw.get(ConfigKey.CLIENT_ID));
    }

    private static TriggerMode parseTrigger(String text) {
        for (TriggerMode mode : TriggerMode.values()) {
            if (mode.name().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("must be scanner, notifications or both");
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or an ISO-8601 duration ({@code PT5S}). */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration; write e.g. 500ms, 5s, 2m, 1h or PT5S");
        }
    }

    /** Parses a byte size: a number with an optional unit B, KiB, MiB, GiB or TiB. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 1048576, 512KiB, 50GiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift =
                switch (unit) {
                    case "KiB" -> 10;
                    case "MiB" -> 20;
                    case "GiB" -> 30;
                    case "TiB" -> 40;
                    default -> 0;
                };
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }

    /** A copy pointing at other topics and bucket (tests give each class its own). */
    public IngestConfig withNames(String newBucket, String deposits, String dlq, String status, String s3Events) {
        return new IngestConfig(
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                newBucket,
                deposits,
                dlq,
                status,
                s3Events,
                trigger,
                scanInterval,
                incompleteTimeout,
                maxFileBytes,
                maxDepositBytes,
                maxStudyJsonBytes,
                bridgeGroup,
                clientId);
    }

    @Override
    public String toString() {
        // Never print the secret key.
        return "IngestConfig[kafka=" + kafkaBootstrap + ", s3=" + s3Endpoint + ", bucket=" + bucket + ", trigger="
                + trigger
                + ", scanInterval=" + scanInterval + ", topics=" + depositsTopic + "," + statusTopic + "," + dlqTopic
                + ","
                + s3EventsTopic + "]";
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T parse(Map<ConfigKey, String> raw, ConfigKey key, Parser<T> parser, List<String> errors) {
        String value = raw.get(key);
        try {
            return parser.parse(value);
        } catch (RuntimeException e) {
            errors.add(key.key() + " (env " + key.envName() + ") = '" + value + "': " + e.getMessage());
            return null;
        }
    }

    private static void requireText(String value, ConfigKey key) {
        if (value == null || value.isBlank()) {
            throw new AtlasException(key.key() + " (env " + key.envName() + ") must not be empty");
        }
    }

    private static void requirePositive(Duration value, ConfigKey key) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new AtlasException(key.key() + " must be positive, got " + value);
        }
    }
}
