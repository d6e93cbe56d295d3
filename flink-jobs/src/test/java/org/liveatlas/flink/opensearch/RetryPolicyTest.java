package org.liveatlas.flink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheMaximum() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(700));
        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(p.backoff(60)).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void throttlingAndServerErrorsAreTransientClientErrorsAreNot() {
        assertThat(RetryPolicy.isTransientStatus(429)).isTrue();
        assertThat(RetryPolicy.isTransientStatus(503)).isTrue();
        assertThat(RetryPolicy.isTransientStatus(400)).isFalse();
        assertThat(RetryPolicy.isTransientStatus(409)).isFalse();
    }

    @Test
    void rejectsAMaximumShorterThanTheInitialWait() {
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxBackoff PT1S must not be shorter than initialBackoff PT2S");
        assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("maxRetries must be >= 0");
    }
}
