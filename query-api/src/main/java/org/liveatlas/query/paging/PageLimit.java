package org.liveatlas.query.paging;

import org.liveatlas.query.problem.ApiProblem;

/** The page size a request asks for, checked against the list's maximum. */
public final class PageLimit {
    private PageLimit() {}

    /** {@code value}, or {@code defaultLimit} when absent; outside 1..{@code max} it is a 400 naming {@code field}. */
    public static int of(String field, Integer value, int defaultLimit, int max) {
        int limit = value == null ? defaultLimit : value;
        if (limit < 1 || limit > max) {
            throw ApiProblem.badRequest(
                            "limit-out-of-range",
                            field + " = " + limit + " is out of range; ask for 1 to " + max
                                    + " per page and follow next_cursor for the rest")
                    .with("field", field)
                    .with("limit", max);
        }
        return limit;
    }

    /** As {@link #of(String, Integer, int, int)} for a query parameter, which may not be an integer at all. */
    public static int parse(String field, String value, int defaultLimit, int max) {
        if (value == null || value.isBlank()) {
            return of(field, null, defaultLimit, max);
        }
        try {
            return of(field, Integer.valueOf(value.trim()), defaultLimit, max);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(
                            "wrong-type",
                            field + " '" + value + "' is not an integer; ask for 1 to " + max + " per page")
                    .with("field", field);
        }
    }
}
