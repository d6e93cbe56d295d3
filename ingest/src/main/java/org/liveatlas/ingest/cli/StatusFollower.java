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
 * whose effects you want to see, then {@link #follow}.
 */
public final class StatusFollower implements AutoCloseable {
    private final TopicReader reader;
    private final String studyId;

    private StatusFollower(TopicReader reader, String studyId) {
        this.reader = reader;
        this.studyId = studyId;
    }

    /** Starts following {@code studyId}; statuses already in the topic are skipped. */
    public static StatusFollower open(String bootstrap, String clientId, String statusTopic, String studyId) {
        TopicReader reader = new TopicReader(
                KafkaSettings.reader(bootstrap, clientId + "-follow"), statusTopic, Duration.ofSeconds(30));
        try {
            reader.skipToEnd();
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        return new StatusFollower(reader, studyId);
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
                try {
                    StudyStatus status = Json.mapper().readValue(record.value(), StudyStatus.class);
                    last[0] = status;
                    onStatus.accept(status);
                    done[0] = stopAt.contains(status.state());
                } catch (java.io.IOException | IllegalArgumentException e) {
                    // a status another version of the platform wrote; not ours to interpret
                }
            });
        }
        return done[0] ? Optional.of(last[0]) : Optional.empty();
    }

    @Override
    public void close() {
        reader.close();
    }
}
