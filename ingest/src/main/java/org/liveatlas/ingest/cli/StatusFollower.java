package org.liveatlas.ingest.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.liveatlas.ingest.kafka.KafkaSettings;
import org.liveatlas.ingest.kafka.TopicReader;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

/**
 * Follows {@code atlas.study-status} for one study from the moment it is opened: {@link #open} before the action
 * whose effects you want to see, then {@link #follow}. Opening reads the (compacted) topic to its end, so the
 * study's status at that moment is known too ({@link #current}).
 */
public final class StatusFollower implements AutoCloseable {
    private final TopicReader reader;
    private final String studyId;
    private final Optional<StudyStatus> current;

    private StatusFollower(TopicReader reader, String studyId, Optional<StudyStatus> current) {
        this.reader = reader;
        this.studyId = studyId;
        this.current = current;
    }

    /**
     * Starts following {@code studyId}: reads the statuses already in the topic, keeping the study's latest as
     * {@link #current}; {@link #follow} delivers only those written afterwards.
     */
    public static StatusFollower open(String bootstrap, String clientId, String statusTopic, String studyId) {
        TopicReader reader = new TopicReader(
                KafkaSettings.reader(bootstrap, clientId + "-follow"), statusTopic, Duration.ofSeconds(30));
        StudyStatus[] latest = new StudyStatus[1];
        try {
            reader.catchUp(record -> {
                if (!studyId.equals(record.key())) {
                    return;
                }
                latest[0] =
                        record.value() == null ? null : parse(record.value()).orElse(latest[0]);
            });
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        return new StatusFollower(reader, studyId, Optional.ofNullable(latest[0]));
    }

    /** The study's latest status when this follower was opened; empty if it had none (or it was deleted). */
    public Optional<StudyStatus> current() {
        return current;
    }

    /**
     * Delivers each new status of the study to {@code onStatus} until one has a state in {@code stopAt} (returned)
     * or {@code timeout} passes (empty).
     */
    public Optional<StudyStatus> follow(Set<StudyState> stopAt, Duration timeout, Consumer<StudyStatus> onStatus) {
        Instant deadline = Instant.now().plus(timeout);
        StudyStatus[] last = new StudyStatus[1];
        boolean[] done = new boolean[1];
        while (!done[0] && Instant.now().isBefore(deadline)) {
            reader.pollOnce(Duration.ofMillis(200), record -> {
                if (done[0] || !studyId.equals(record.key()) || record.value() == null) {
                    return;
                }
                parse(record.value()).ifPresent(status -> {
                    last[0] = status;
                    onStatus.accept(status);
                    done[0] = stopAt.contains(status.state());
                });
            });
        }
        return done[0] ? Optional.of(last[0]) : Optional.empty();
    }

    private static Optional<StudyStatus> parse(String json) {
        try {
            return Optional.of(Json.mapper().readValue(json, StudyStatus.class));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty(); // a status another version of the platform wrote; not ours to interpret
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
