package org.liveatlas.query.problem;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds RFC 9457 problem responses: {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}. */
public final class ProblemDocument {

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** Prefix of every {@code type}. */
    public static final String TYPE_BASE = "/problems/";

    private ProblemDocument() {}

    /** The response for {@code problem} raised while serving {@code path}. */
    public static Response of(ApiProblem problem, String path) {
        return build(problem.status(), problem.type(), problem.title(), problem.detail(), path, problem.extensions());
    }

    /** A response with the given members; {@code type} is a slug under {@link #TYPE_BASE}. */
    public static Response build(
            int status, String type, String title, String detail, String path, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (path != null) {
            body.put("instance", path);
        }
        extensions.forEach(body::putIfAbsent);
        Response.ResponseBuilder r = Response.status(status).type(MEDIA_TYPE).entity(body);
        Object retry = extensions.get("retry_after_seconds");
        if (retry != null) {
            r.header("Retry-After", retry.toString());
        }
        if (status == 401) {
            r.header("WWW-Authenticate", "ApiKey header=\"X-API-Key\"");
        }
        return r.build();
    }
}
