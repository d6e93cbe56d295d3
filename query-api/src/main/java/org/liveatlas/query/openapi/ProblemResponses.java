package org.liveatlas.query.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.liveatlas.query.problem.ProblemDocument;

/**
 * Documents the errors every {@code /v1} operation shares, and gives every 4xx and 5xx response of the
 * document, these and those a resource declares, the {@code application/problem+json} body that {@link
 * ProblemDocument} builds (schema {@value #PROBLEM}).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {
    /** Name of the problem document's schema. */
    public static final String PROBLEM = "Problem";

    private static final String RETRY_AFTER = "Retry-After";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addSchema(PROBLEM, problemSchema());
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> e :
                    item.getOperations().entrySet()) {
                Operation op = e.getValue();
                if (op.getResponses() == null) {
                    op.setResponses(OASFactory.createAPIResponses());
                }
                if (path.startsWith("/v1/")) {
                    addShared(op);
                }
                op.getResponses()
                        .setAPIResponses(new TreeMap<>(op.getResponses().getAPIResponses()));
                op.getResponses().getAPIResponses().forEach((code, response) -> {
                    if (code.startsWith("4") || code.startsWith("5")) {
                        response.setContent(OASFactory.createContent()
                                .addMediaType(
                                        ProblemDocument.MEDIA_TYPE,
                                        OASFactory.createMediaType()
                                                .schema(OASFactory.createSchema()
                                                        .ref(PROBLEM))));
                    }
                });
            }
        });
    }

    /** The failures the authentication filter, the rate limiter and the problem mappers answer on any operation. */
    private static void addShared(Operation op) {
        APIResponses r = op.getResponses();
        boolean hasBody = op.getRequestBody() != null;
        boolean hasQuery = op.getParameters() != null
                && op.getParameters().stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY);
        if (hasBody || hasQuery) {
            put(
                    r,
                    "400",
                    "Bad request: malformed JSON, an unknown field (snake_case names only), a value of the wrong type"
                            + " or out of range; the problem's type names which, its detail the field and value",
                    false);
        }
        put(
                r,
                "401",
                "No valid credentials: no X-API-Key header and no bearer token (missing-api-key), an unknown key"
                        + " (invalid-api-key) or a rejected token (invalid-token)",
                false);
        r.getAPIResponse("401")
                .addHeader(
                        "WWW-Authenticate",
                        OASFactory.createHeader()
                                .description("how to authenticate: ApiKey header=\"X-API-Key\"")
                                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
        if (hasBody) {
            put(
                    r,
                    "413",
                    "The body exceeds atlas.query.annotate.max-upload-bytes (request-too-large), or too many cells"
                            + " were posted as JSON (too-many-cells)",
                    false);
        }
        put(
                r,
                "429",
                "The caller exceeded its requests per minute (rate-limited); retry after Retry-After seconds",
                true);
        put(r, "500", "An unexpected failure; the problem carries an incident id for the operator", false);
        put(
                r,
                "502",
                "The search engine refused a query (search-backend-error); the problem carries an incident id",
                false);
        put(
                r,
                "503",
                "The search engine or object store did not answer (backend-unavailable), no model is published yet"
                        + " (no-model), or the model or its reference is being loaded (model-swapping,"
                        + " reference-loading); retry after Retry-After seconds",
                true);
    }

    private static void put(APIResponses responses, String code, String description, boolean retryAfter) {
        if (responses.hasAPIResponse(code)) {
            APIResponse existing = responses.getAPIResponse(code);
            if (existing.getDescription() == null || existing.getDescription().equals("Bad Request")) {
                existing.setDescription(description); // the generator's bare default
            }
            return;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description);
        if (retryAfter) {
            response.addHeader(RETRY_AFTER, retryAfterHeader());
        }
        responses.addAPIResponse(code, response);
    }

    private static Header retryAfterHeader() {
        return OASFactory.createHeader()
                .description("seconds to wait before retrying")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER));
    }

    private static Schema problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put(
                "type",
                string("a stable problem type under " + ProblemDocument.TYPE_BASE + ", e.g. /problems/unknown-field")
                        .format("uri-reference"));
        properties.put("title", string("the HTTP status's short title"));
        properties.put(
                "status",
                OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("the HTTP status code"));
        properties.put("detail", string("what was wrong, naming the field or value, and the remedy"));
        properties.put("instance", string("the request path").format("uri-reference"));
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem document; further members (such as field, limit, incident,"
                        + " retry_after_seconds) depend on the type")
                .properties(properties)
                .required(java.util.List.of("type", "title", "status", "detail"))
                .additionalPropertiesBoolean(Boolean.TRUE);
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }
}
