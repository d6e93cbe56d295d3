package org.liveatlas.trainer.registry;

import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.store.ObjectLayout;

/** Publishes {@link ModelPublished} events on the models topic (key: model version), waiting for the ack. */
public final class ModelEvents implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;

    public ModelEvents(String bootstrap, String topic, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** The event announcing {@code manifest}'s model. */
    public static ModelPublished event(Manifest manifest, int latent, int genes, Instant at) {
        return new ModelPublished(
                1,
                ModelPublished.EVENT_TYPE,
                manifest.version(),
                manifest.parent(),
                ObjectLayout.modelPrefix(manifest.version()),
                latent,
                genes,
                manifest.unknownThreshold(),
                manifest.metrics(),
                at);
    }

    /** Sends {@code event} and waits until Kafka has it. */
    public void publish(ModelPublished event) {
        try {
            producer.send(new ProducerRecord<>(topic, event.modelVersion(), Json.write(event)))
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while publishing model " + event.modelVersion(), e);
        } catch (Exception e) {
            throw new TransientException(
                    "cannot publish model " + event.modelVersion() + " on " + topic + ": " + e.getMessage()
                            + "; the model stays in the registry, publish again when Kafka is back",
                    e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
