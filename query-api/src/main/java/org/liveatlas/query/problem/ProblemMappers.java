package org.liveatlas.query.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;
import org.opensearch.client.opensearch._types.OpenSearchException;

/**
 * Turns every failure into an RFC 9457 problem document. Details name the field or value and the
 * remedy; class names, stack traces and server internals never reach the caller (unexpected
 * failures are logged with an incident id that the response carries).
 */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, UriInfo uri) {
        return ProblemDocument.of(e, uri.getPath());
    }

    @ServerExceptionMapper
    public Response poison(PoisonInputException e, UriInfo uri) {
        return ProblemDocument.build(
                422, "unusable-input", "Unprocessable content", clean(e.getMessage()), uri.getPath(), Map.of());
    }

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e, UriInfo uri) {
        return ProblemDocument.build(
                400, "invalid-value", "Bad request", clean(e.getMessage()), uri.getPath(), Map.of());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        List<String> known = new ArrayList<>();
        Collection<Object> ids = e.getKnownPropertyIds();
        if (ids != null) {
            ids.forEach(o -> known.add(String.valueOf(o)));
        }
        known.sort(String::compareTo);
        String where = path(e);
        return ProblemDocument.build(
                400,
                "unknown-field",
                "Bad request",
                "unknown field '" + where + "'; known fields here: " + known,
                uri.getPath(),
                Map.of("field", where));
    }

    @ServerExceptionMapper
    public Response invalidInstance(ValueInstantiationException e, UriInfo uri) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String where = path(e);
        return ProblemDocument.build(
                400,
                "invalid-value",
                "Bad request",
                (where.isEmpty() ? "" : "in '" + where + "': ") + clean(cause.getMessage()),
                uri.getPath(),
                Map.of());
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownField(u, uri);
        }
        String where = path(e);
        String expected = jsonType(e.getTargetType());
        String detail;
        if (e instanceof InvalidFormatException f) {
            detail = "field '" + where + "' has the value '" + f.getValue() + "', which is not a valid " + expected;
        } else if (where.isEmpty()) {
            detail = "the request body must be a JSON " + expected;
        } else {
            detail = "field '" + where + "' must be a JSON " + expected;
        }
        return ProblemDocument.build(400, "wrong-type", "Bad request", detail, uri.getPath(), Map.of("field", where));
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e, UriInfo uri) {
        var loc = e.getLocation();
        String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return ProblemDocument.build(
                400,
                "malformed-json",
                "Bad request",
                "the body is not valid JSON" + at + ": " + clean(e.getOriginalMessage()),
                uri.getPath(),
                Map.of());
    }

    @ServerExceptionMapper
    public Response otherJson(JsonMappingException e, UriInfo uri) {
        if (e.getCause() instanceof IllegalArgumentException iae) {
            return illegalArgument(iae, uri);
        }
        return ProblemDocument.build(
                400,
                "invalid-json",
                "Bad request",
                "the body could not be read at '" + path(e)
                        + "'; check the field's type against the OpenAPI document at /q/openapi",
                uri.getPath(),
                Map.of());
    }

    @ServerExceptionMapper
    public Response otherJsonProcessing(JsonProcessingException e, UriInfo uri) {
        return ProblemDocument.build(
                400, "malformed-json", "Bad request", "the body is not valid JSON", uri.getPath(), Map.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        // the JSON reader reports body errors as a 400 wrapping Jackson's exception
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof UnrecognizedPropertyException u) {
                return unknownField(u, uri);
            }
            if (c instanceof ValueInstantiationException v) {
                return invalidInstance(v, uri);
            }
            if (c instanceof MismatchedInputException m) {
                return mismatched(m, uri);
            }
            if (c instanceof JsonParseException p) {
                return malformed(p, uri);
            }
            if (c instanceof JsonMappingException m) {
                return otherJson(m, uri);
            }
        }
        int status = e.getResponse().getStatus();
        String reason = Response.Status.fromStatusCode(status) == null
                ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail =
                switch (status) {
                    case 404 -> "no resource at " + uri.getPath() + "; the API is described at /q/openapi";
                    case 405 -> "method not allowed on " + uri.getPath() + "; see /q/openapi for the allowed methods";
                    case 406 -> "cannot produce the requested media type; ask for application/json or text/csv";
                    case 415 -> "unsupported Content-Type; send application/json or multipart/form-data as documented"
                            + " at /q/openapi";
                    case 413 -> "the request body is too large";
                    default -> reason;
                };
        String type = status == 404 ? "not-found" : status == 415 ? "unsupported-media-type" : "http-" + status;
        return ProblemDocument.build(status, type, reason, detail, uri.getPath(), Map.of());
    }

    @ServerExceptionMapper
    public Response transientFailure(TransientException e, UriInfo uri) {
        LOG.warnf("transient failure on %s: %s", uri.getPath(), e.getMessage());
        return unavailable(uri);
    }

    @ServerExceptionMapper
    public Response openSearch(OpenSearchException e, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "incident %s: OpenSearch refused a query on %s", incident, uri.getPath());
        return ProblemDocument.build(
                502,
                "search-backend-error",
                "Bad gateway",
                "the search engine refused the query; report incident " + incident,
                uri.getPath(),
                Map.of("incident", incident));
    }

    @ServerExceptionMapper
    public Response io(IOException e, UriInfo uri) {
        LOG.warnf("I/O failure on %s: %s", uri.getPath(), e.getMessage());
        return unavailable(uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "incident %s: unexpected failure on %s", incident, uri.getPath());
        return ProblemDocument.build(
                500,
                "internal-error",
                "Internal server error",
                "the server failed to answer; report incident " + incident,
                uri.getPath(),
                Map.of("incident", incident));
    }

    private static Response unavailable(UriInfo uri) {
        return ProblemDocument.build(
                503,
                "backend-unavailable",
                "Service unavailable",
                "the search engine or storage did not answer; retry in a few seconds",
                uri.getPath(),
                Map.of("retry_after_seconds", 5));
    }

    /** The JSON path of a mapping failure, e.g. {@code filters.tissue[2]}. */
    static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String jsonType(Class<?> t) {
        if (t == null) {
            return "value of the documented type";
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "array";
        }
        if (Number.class.isAssignableFrom(t) || (t.isPrimitive() && t != boolean.class)) {
            return "number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "boolean";
        }
        if (t == String.class) {
            return "string";
        }
        if (t.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : t.getEnumConstants()) {
                names.add(c.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "string, one of " + names;
        }
        return "object";
    }

    static String clean(String message) {
        return ProblemText.clean(message);
    }
}
