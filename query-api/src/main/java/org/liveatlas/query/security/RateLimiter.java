package org.liveatlas.query.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.liveatlas.query.config.QueryConfig;

/** A token bucket per caller: {@code requestsPerMinute} tokens, refilled continuously. */
@ApplicationScoped
public class RateLimiter {
    private final double perNano;
    private final double capacity;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(QueryConfig config) {
        int perMinute = config.security().requestsPerMinute();
        if (perMinute < 1) {
            throw new IllegalStateException("atlas.query.security.requests-per-minute must be >= 1, got " + perMinute);
        }
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
    }

    /** Takes one token for {@code caller}; returns 0 when allowed, else the seconds to wait. */
    public long acquire(String caller) {
        Bucket b = buckets.computeIfAbsent(caller, k -> new Bucket(capacity, System.nanoTime()));
        synchronized (b) {
            long now = System.nanoTime();
            b.tokens = Math.min(capacity, b.tokens + (now - b.last) * perNano);
            b.last = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9));
        }
    }

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }
}
