package org.liveatlas.query.models;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.liveatlas.query.events.TopicFollower;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;

/**
 * Follows the compacted models topic from its start ({@link TopicFollower}) and asks the registry to look
 * again on each valid {@link ModelPublished} or tombstone. The registry's own periodic look still finds
 * new versions while Kafka is away.
 */
final class ModelEventsFollower {
    private static final Logger LOG = Logger.getLogger(ModelEventsFollower.class);

    private final TopicFollower follower;

    ModelEventsFollower(String bootstrap, String topic, Runnable onEvent) {
        this.follower = new TopicFollower(bootstrap, topic, TopicFollower.Start.BEGINNING, records -> {
            boolean any = false;
            for (ConsumerRecord<String, String> r : records) {
                any |= accept(r);
            }
            if (any) {
                onEvent.run();
            }
        });
    }

    void start() {
        follower.start();
    }

    private static boolean accept(ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            return true; // a tombstone: a version was withdrawn
        }
        try {
            ModelPublished p = Json.mapper().readValue(r.value(), ModelPublished.class);
            LOG.infof("ModelPublished %s (%s)", p.modelVersion(), p.location());
            return true;
        } catch (Exception e) {
            LOG.warnf("ignoring a malformed ModelPublished under key %s: %s", r.key(), e.getMessage());
            return false;
        }
    }

    void close() {
        follower.close();
    }
}
