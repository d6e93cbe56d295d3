package org.liveatlas.query.problem;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.core.AtlasException;

/**
 * A request the API refuses or cannot serve, rendered as an RFC 9457 {@code application/problem+json}
 * document: {@code type} (a stable slug under {@code /problems/}), {@code title}, {@code status} and a
 * {@code detail} that names the offending value and the remedy.
 */
public final class ApiProblem extends AtlasException {
    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions;

    private ApiProblem(int status, String type, String title, String detail, Map<String, Object> extensions) {
        super(Objects.requireNonNull(detail, "detail"));
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.title = Objects.requireNonNull(title, "title");
        this.extensions = Map.copyOf(extensions);
    }

    /** A problem with the given HTTP status, type slug, title and detail. */
    public static ApiProblem of(int status, String type, String title, String detail) {
        return new ApiProblem(status, type, title, detail, Map.of());
    }

    /** 400: the request is malformed or names an invalid value. */
    public static ApiProblem badRequest(String type, String detail) {
        return of(400, type, "Bad request", detail);
    }

    /** 404: the resource does not exist or the caller may not see it (never told apart). */
    public static ApiProblem notFound(String type, String detail) {
        return of(404, type, "Not found", detail);
    }

    /** 422: the upload was read but its content cannot be used. */
    public static ApiProblem unprocessable(String type, String detail) {
        return of(422, type, "Unprocessable content", detail);
    }

    /** The same problem with one more member in the document. */
    public ApiProblem with(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(extensions);
        m.put(name, value);
        return new ApiProblem(status, type, title, getMessage(), m);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
