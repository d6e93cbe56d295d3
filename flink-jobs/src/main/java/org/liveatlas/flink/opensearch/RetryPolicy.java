package org.liveatlas.flink.opensearch;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounded retries with exponential backoff for transient OpenSearch failures (429, 5xx, refused or broken
 * connections): attempt n (from 1) waits {@code min(initialBackoff * 2^(n-1), maxBackoff)}.
 *
 * @param maxRetries retries after the first attempt before giving up with a {@link org.liveatlas.core.TransientException}
 * @param initialBackoff wait before the first retry
 * @param maxBackoff longest single wait
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) implements Serializable {
    /** 8 retries from 200 ms doubling up to 10 s: about 40 s of patience in all. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(10));

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff " + maxBackoff + " must not be shorter than initialBackoff " + initialBackoff);
        }
    }

    /** Wait before retry number {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based, got " + attempt);
        }
        long ms = initialBackoff.toMillis();
        for (int i = 1; i < attempt && ms < maxBackoff.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    /** Whether an HTTP status is worth retrying: 429 (too many requests) and every 5xx. */
    public static boolean isTransientStatus(int status) {
        return status == 429 || status >= 500;
    }
}
