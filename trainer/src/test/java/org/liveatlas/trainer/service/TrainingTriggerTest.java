package org.liveatlas.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingTriggerTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void trainsWhenEnoughNewLabelledCellsWereIndexed() {
        TrainingTrigger t = new TrainingTrigger(Duration.ofDays(1), 1000, T0);
        t.indexed("a", 600, Set.of("a", "b"));
        t.indexed("c", 5000, Set.of("a", "b")); // unlabelled: does not count
        assertThat(t.due(T0.plusSeconds(60))).isEmpty();
        t.indexed("a", 700, Set.of("a", "b")); // a re-indexed study counts once, with its latest count
        assertThat(t.newCells()).isEqualTo(700);
        t.indexed("b", 300, Set.of("a", "b"));
        assertThat(t.due(T0.plusSeconds(60)))
                .hasValueSatisfying(r -> assertThat(r).contains("1000"));
    }

    @Test
    void trainsWhenTheIntervalHasPassedAndStartsCountingAgainAfterATraining() {
        TrainingTrigger t = new TrainingTrigger(Duration.ofHours(24), 1000, T0);
        assertThat(t.due(T0.plus(Duration.ofHours(23)))).isEmpty();
        assertThat(t.due(T0.plus(Duration.ofHours(24)))).isPresent();
        t.indexed("a", 5000, Set.of("a"));
        t.trained(T0.plus(Duration.ofHours(24)));
        assertThat(t.newCells()).isZero();
        assertThat(t.due(T0.plus(Duration.ofHours(25)))).isEmpty();
    }
}
