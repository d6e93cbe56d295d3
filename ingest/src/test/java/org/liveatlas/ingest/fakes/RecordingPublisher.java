package org.liveatlas.ingest.fakes;

import java.util.ArrayList;
import java.util.List;
import org.liveatlas.ingest.EventPublisher;
import org.liveatlas.schemas.Contract;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.SchemaValidator;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;

/**
 * An {@link EventPublisher} that keeps what it is given, in order, as the topics would; every event is checked
 * against its contract first, as the Kafka publisher does. Its deposits log plays the deposits topic.
 */
public final class RecordingPublisher implements EventPublisher {
    /** StudyDeposited and StudyWithdrawn in publication order (the deposits topic). */
    public final List<Object> deposits = new ArrayList<>();

    public final List<StudyStatus> statuses = new ArrayList<>();
    public final List<DeadLetter> deadLetters = new ArrayList<>();

    @Override
    public void deposited(StudyDeposited event) {
        SchemaValidator.shared().requireValid(Contract.STUDY_DEPOSITED, Json.tree(event));
        deposits.add(event);
    }

    @Override
    public void withdrawn(StudyWithdrawn event) {
        SchemaValidator.shared().requireValid(Contract.STUDY_WITHDRAWN, Json.tree(event));
        deposits.add(event);
    }

    @Override
    public void status(StudyStatus status) {
        SchemaValidator.shared().requireValid(Contract.STUDY_STATUS, Json.tree(status));
        statuses.add(status);
    }

    @Override
    public void deadLetter(DeadLetter letter) {
        SchemaValidator.shared().requireValid(Contract.DEAD_LETTER, Json.tree(letter));
        deadLetters.add(letter);
    }

    public List<StudyDeposited> deposited() {
        return deposits.stream()
                .filter(StudyDeposited.class::isInstance)
                .map(StudyDeposited.class::cast)
                .toList();
    }

    public List<StudyWithdrawn> withdrawn() {
        return deposits.stream()
                .filter(StudyWithdrawn.class::isInstance)
                .map(StudyWithdrawn.class::cast)
                .toList();
    }
}
