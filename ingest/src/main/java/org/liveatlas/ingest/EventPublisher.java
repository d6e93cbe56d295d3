package org.liveatlas.ingest;

import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;

/**
 * Sends the service's events, keyed by study id; each call returns only once the broker has acknowledged the
 * record, and every event is checked against its contract before it leaves.
 */
public interface EventPublisher {
    void deposited(StudyDeposited event);

    void withdrawn(StudyWithdrawn event);

    void status(StudyStatus status);

    void deadLetter(DeadLetter letter);
}
