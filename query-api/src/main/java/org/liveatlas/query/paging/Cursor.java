package org.liveatlas.query.paging;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;
import org.opensearch.client.opensearch._types.FieldValue;

/**
 * Where a paged list goes on: sent to clients as an opaque token (base64url of a small JSON document)
 * and checked when it comes back. A cursor is a position only: every page is searched again with the
 * caller's visibility filter, so a cursor can skip items but never reveal one.
 *
 * @param list the list it continues ({@code studies}, {@code where}, {@code radius})
 * @param request fingerprint of the request and caller it was issued for (see {@link #fingerprint})
 * @param query for lists answered per query (radius search): the query's position in the request; else 0
 * @param offset items of the list returned before the next page
 * @param after sort values of the last item returned, for {@code search_after}; empty when the list pages by
 *     offset
 */
public record Cursor(String list, String request, int query, long offset, List<FieldValue> after) {
    /** Name of the request field (or query parameter) that carries a cursor, on every endpoint. */
    public static final String FIELD = "cursor";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final int SHOWN = 40;

    public Cursor {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(request, "request");
        if (query < 0 || offset < 0) {
            throw new IllegalArgumentException("cursor query " + query + " or offset " + offset + " is negative");
        }
        after = List.copyOf(after);
    }

    /** The token given to clients. */
    public String encode() {
        List<Object> values = new ArrayList<>(after.size());
        for (FieldValue v : after) {
            values.add(v.isNull() ? null : v._get());
        }
        try {
            byte[] json = JSON.writeValueAsBytes(new Wire(list, request, query, offset, values));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cursor of " + list + " cannot be written", e);
        }
    }

    /**
     * The cursor a client sent, which must continue {@code list} for the request whose fingerprint is
     * {@code request} and hold sort values of the kinds {@code afterKinds}; anything else is a 400 naming
     * the {@code cursor} field and the remedy.
     */
    public static Cursor decode(String token, String list, String request, FieldValue.Kind... afterKinds) {
        Wire w;
        try {
            byte[] json = Base64.getUrlDecoder().decode(token.trim());
            w = JSON.readValue(json, Wire.class);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid(token, "is not a cursor of this API");
        }
        if (w == null || w.list == null || w.request == null || w.query < 0 || w.offset < 0) {
            throw invalid(token, "is not a cursor of this API");
        }
        if (!w.list.equals(list)) {
            throw invalid(token, "continues another list, not " + list);
        }
        if (!w.request.equals(request)) {
            throw invalid(
                    token,
                    "was issued for another request (other query, filters or key, or the atlas has moved to another"
                            + " model since)");
        }
        List<Object> values = w.after == null ? List.of() : w.after;
        if (values.size() != afterKinds.length) {
            throw invalid(token, "is not a cursor of this API");
        }
        List<FieldValue> after = new ArrayList<>();
        for (int i = 0; i < afterKinds.length; i++) {
            Object v = values.get(i);
            FieldValue f =
                    switch (afterKinds[i]) {
                        case String -> v instanceof String str ? FieldValue.of(str) : null;
                        case Double -> v instanceof Number n ? FieldValue.of(n.doubleValue()) : null;
                        case Long -> v instanceof Integer || v instanceof Long
                                ? FieldValue.of(((Number) v).longValue())
                                : null;
                        default -> null;
                    };
            if (f == null) {
                throw invalid(token, "is not a cursor of this API");
            }
            after.add(f);
        }
        return new Cursor(w.list, w.request, w.query, w.offset, after);
    }

    /**
     * A short digest of the caller (name and groups) and the parts of a request that decide its list, so a
     * cursor is refused with any other request or key. It is a consistency check, not a secret: visibility
     * never depends on it.
     */
    public static String fingerprint(Caller caller, Object... parts) {
        List<Object> all = new ArrayList<>();
        all.add(caller.name());
        all.add(new TreeSet<>(caller.groups()));
        all.addAll(Arrays.asList(parts)); // absent parts are nulls
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(all));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("request fingerprint cannot be computed", e);
        }
    }

    /** The 400 refusing {@code token}: {@code why} says what is wrong with it, the detail adds the remedy. */
    public static ApiProblem invalid(String token, String why) {
        String shown = token.length() > SHOWN ? token.substring(0, SHOWN) + "..." : token;
        return ApiProblem.badRequest(
                        "invalid-cursor",
                        "cursor '" + shown + "' " + why + "; send the next_cursor of the previous page unchanged, with"
                                + " the same request and key, or leave cursor out to start from the first page")
                .with("field", FIELD);
    }

    /** The JSON form: short names keep tokens short. */
    private record Wire(
            @JsonProperty("l") String list,
            @JsonProperty("r") String request,
            @JsonProperty("q") int query,
            @JsonProperty("o") long offset,
            @JsonProperty("a") List<Object> after) {}
}
