package org.liveatlas.ingest;

import io.minio.MinioClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.liveatlas.core.TransientException;
import org.liveatlas.ingest.kafka.KafkaDepositLedger;
import org.liveatlas.ingest.kafka.KafkaEventPublisher;
import org.liveatlas.ingest.kafka.KafkaSettings;
import org.liveatlas.ingest.notify.NotificationBridge;
import org.liveatlas.ingest.store.MinioDepositStore;
import org.liveatlas.ingest.validate.DepositValidator;
import org.liveatlas.ingest.validate.ValidationLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: watches {@code deposits/} (by scanning, by MinIO notifications, or both) and announces each
 * deposit version exactly once on the deposits topic. Build it with {@link #create}, then call {@link #run} (blocks
 * until {@link #close}) or drive it step by step with {@link #scanOnce} and {@link #pollNotificationsOnce}.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final MinioClient minio;
    private final KafkaDepositLedger ledger;
    private final KafkaEventPublisher publisher;
    private final DepositScanner scanner;
    private final NotificationBridge bridge;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean looping;

    private IngestService(IngestConfig config, Clock clock) {
        this.config = config;
        this.minio = MinioClient.builder()
                .endpoint(config.s3Endpoint().toString())
                .credentials(config.s3AccessKey(), config.s3SecretKey())
                .region(config.s3Region())
                .build();
        MinioDepositStore store = new MinioDepositStore(minio, config.bucket());
        this.ledger = new KafkaDepositLedger(config.kafkaBootstrap(), config.clientId(), config.depositsTopic());
        this.publisher = new KafkaEventPublisher(
                config.kafkaBootstrap(),
                config.clientId(),
                config.depositsTopic(),
                config.statusTopic(),
                config.dlqTopic());
        DepositValidator validator = new DepositValidator(
                new ValidationLimits(config.maxFileBytes(), config.maxDepositBytes(), config.maxStudyJsonBytes()));
        DepositProcessor processor =
                new DepositProcessor(store, ledger, publisher, validator, config.incompleteTimeout(), clock);
        this.scanner = new DepositScanner(store, ledger, processor);
        this.bridge = config.trigger() == TriggerMode.SCANNER
                ? null
                : new NotificationBridge(
                        new KafkaConsumer<>(KafkaSettings.groupConsumer(
                                config.kafkaBootstrap(), config.clientId(), config.bridgeGroup())),
                        config.s3EventsTopic(),
                        config.bucket(),
                        ledger,
                        processor,
                        publisher);
    }

    /** Connects to Kafka and the store and reads the ledger back; fails with the cause named if either is unusable. */
    public static IngestService create(IngestConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** As {@link #create(IngestConfig)} with a given clock (for the incomplete-deposit timeout). */
    public static IngestService create(IngestConfig config, Clock clock) {
        IngestService service = new IngestService(config, clock);
        try {
            service.ledger.refresh();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    /** One scan of {@code deposits/}; returns the count of folders per outcome. */
    public Map<Outcome, Integer> scanOnce() {
        return scanner.scanOnce();
    }

    /** One poll of the notification topic; returns the number of notification records handled. */
    public int pollNotificationsOnce(Duration wait) {
        if (bridge == null) {
            throw new IllegalStateException("atlas.ingest.trigger is scanner; the notification bridge is off");
        }
        return bridge.pollOnce(wait);
    }

    /** Runs until {@link #close} is called: notifications as they come, a scan every scan interval. */
    public void run() {
        LOG.info("ingest service running: {}", config);
        Instant nextScan = Instant.now();
        looping = true;
        try {
            while (running) {
                try {
                    if (config.trigger() != TriggerMode.NOTIFICATIONS
                            && !Instant.now().isBefore(nextScan)) {
                        Map<Outcome, Integer> counts = scanOnce();
                        if (counts.keySet().stream().anyMatch(o -> o != Outcome.UNCHANGED)) {
                            LOG.info("scan: {}", counts);
                        }
                        nextScan = Instant.now().plus(config.scanInterval());
                    }
                    if (bridge != null) {
                        bridge.pollOnce(Duration.ofMillis(
                                Math.min(1000, config.scanInterval().toMillis())));
                    } else {
                        sleepUntil(nextScan);
                    }
                } catch (TransientException e) {
                    LOG.warn("{}; retrying in {}", e.getMessage(), config.scanInterval());
                    nextScan = Instant.now().plus(config.scanInterval());
                    sleepUntil(nextScan);
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private void sleepUntil(Instant when) {
        long millis = Duration.between(Instant.now(), when).toMillis();
        while (running && millis > 0) {
            try {
                Thread.sleep(Math.min(millis, 200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
                return;
            }
            millis = Duration.between(Instant.now(), when).toMillis();
        }
    }

    /** Stops a running {@link #run} loop after its current step; does not release resources. */
    public void stop() {
        running = false;
    }

    /** Stops the loop, waits for it, and closes every client. */
    @Override
    public void close() {
        running = false;
        try {
            if (looping) {
                // The Kafka clients are single-threaded: let the loop finish its step before closing them.
                stopped.await(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (bridge != null) {
            bridge.close();
        }
        publisher.close();
        ledger.close();
        try {
            minio.close();
        } catch (Exception e) {
            LOG.debug("closing the MinIO client: {}", e.toString());
        }
    }
}
