package org.liveatlas.schemas.events;

import java.time.Instant;
import java.util.Objects;

/** The error envelope on {@code atlas.deposits.dlq} (contract {@code DeadLetter.v1}). */
public record DeadLetter(
        int schemaVersion,
        String eventType,
        String studyId,
        String depositVersion,
        SourceCoordinates source,
        String stage,
        ErrorKind errorKind,
        String message,
        String modelVersion,
        Instant time) {

    public static final String EVENT_TYPE = "DeadLetter";

    public DeadLetter {
        if (schemaVersion != 1 || !EVENT_TYPE.equals(eventType)) {
            throw new IllegalArgumentException(
                    "not a DeadLetter v1: schemaVersion " + schemaVersion + ", eventType " + eventType);
        }
        Objects.requireNonNull(source, "source");
        if (stage == null || !stage.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*")) {
            throw new IllegalArgumentException(
                    "dead letter stage '" + stage + "' must be dotted lowercase words, e.g. ingest.validate");
        }
        Objects.requireNonNull(errorKind, "errorKind");
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("dead letter from stage " + stage + " needs a message");
        }
        Objects.requireNonNull(time, "time");
    }

    public static DeadLetter of(
            String studyId,
            String depositVersion,
            SourceCoordinates source,
            String stage,
            ErrorKind kind,
            String message,
            String modelVersion,
            Instant time) {
        return new DeadLetter(1, EVENT_TYPE, studyId, depositVersion, source, stage, kind, message, modelVersion, time);
    }
}
