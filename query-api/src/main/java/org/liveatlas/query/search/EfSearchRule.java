package org.liveatlas.query.search;

import org.liveatlas.query.config.QueryConfig;

/**
 * The HNSW candidate list ({@code ef_search}) of a nearest query for {@code k} neighbours:
 *
 * <pre>ef = max(k, min(max, max(min, ceil(factor * k))))</pre>
 *
 * <p>that is {@code factor * k}, raised to at least {@code min} (small k need a wider search than
 * {@code factor * k} for the same recall), capped at {@code max} (latency), and never below {@code k}
 * (the engine searches with {@code max(k, ef_search)} anyway). {@code factor = 1, min = 1} is the engine's
 * own default, ef = k.
 *
 * @param factor candidates per requested neighbour, at least 1
 * @param min fewest candidates, at least 1
 * @param max most candidates (unless k itself is larger), at least {@code min}
 */
public record EfSearchRule(double factor, int min, int max) {
    public EfSearchRule {
        if (!(factor >= 1 && factor <= 100)) {
            throw new IllegalArgumentException(
                    "atlas.query.search.ef-search-factor " + factor + " is outside [1, 100]; 1 means ef_search = k");
        }
        if (min < 1) {
            throw new IllegalArgumentException("atlas.query.search.ef-search-min " + min + " must be >= 1");
        }
        if (max < min) {
            throw new IllegalArgumentException(
                    "atlas.query.search.ef-search-max " + max + " must be >= ef-search-min " + min);
        }
    }

    /** The rule of the configuration's {@code atlas.query.search.ef-search-*} keys. */
    public static EfSearchRule of(QueryConfig.Search search) {
        return new EfSearchRule(search.efSearchFactor(), search.efSearchMin(), search.efSearchMax());
    }

    /** The engine's default: ef_search = k. */
    public static EfSearchRule efEqualsK() {
        return new EfSearchRule(1, 1, 1);
    }

    /** ef_search for a query of {@code k} neighbours. */
    public int efSearch(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k " + k + " must be >= 1");
        }
        long scaled = (long) Math.ceil(factor * k);
        return (int) Math.max(k, Math.min(max, Math.max(min, scaled)));
    }

    @Override
    public String toString() {
        return "ef = max(k, min(" + max + ", max(" + min + ", ceil(" + factor + " * k))))";
    }
}
