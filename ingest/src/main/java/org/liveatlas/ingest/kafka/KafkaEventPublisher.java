package org.liveatlas.ingest.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.TransientException;
import org.liveatlas.ingest.EventPublisher;
import org.liveatlas.schemas.Contract;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.SchemaValidator;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;

/** {@link EventPublisher} on Kafka with an idempotent producer; each send waits for the acknowledgement. */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final String depositsTopic;
    private final String statusTopic;
    private final String dlqTopic;

    public KafkaEventPublisher(
            String bootstrap, String clientId, String depositsTopic, String statusTopic, String dlqTopic) {
        this.producer = new KafkaProducer<>(KafkaSettings.producer(bootstrap, clientId));
        this.depositsTopic = depositsTopic;
        this.statusTopic = statusTopic;
        this.dlqTopic = dlqTopic;
    }

    @Override
    public void deposited(StudyDeposited event) {
        send(depositsTopic, event.studyId(), Contract.STUDY_DEPOSITED, event);
    }

    @Override
    public void withdrawn(StudyWithdrawn event) {
        send(depositsTopic, event.studyId(), Contract.STUDY_WITHDRAWN, event);
    }

    @Override
    public void status(StudyStatus status) {
        send(statusTopic, status.studyId(), Contract.STUDY_STATUS, status);
    }

    @Override
    public void deadLetter(DeadLetter letter) {
        send(dlqTopic, letter.studyId(), Contract.DEAD_LETTER, letter);
    }

    private void send(String topic, String key, Contract contract, Object event) {
        // A contract break is our bug; refuse it here rather than hand consumers a record they cannot read.
        SchemaValidator.shared().requireValid(contract, Json.tree(event));
        try {
            producer.send(new ProducerRecord<>(topic, key, Json.write(event))).get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException(
                    "interrupted while publishing " + contract.title() + " for " + key + " to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof org.apache.kafka.common.errors.RetriableException || e instanceof TimeoutException) {
                throw new TransientException(
                        "Kafka did not acknowledge " + contract.title() + " for " + key + " on " + topic + ": " + cause
                                + "; is the broker up and the topic created?",
                        cause);
            }
            throw new AtlasException(
                    "Kafka refused " + contract.title() + " for " + key + " on " + topic + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
