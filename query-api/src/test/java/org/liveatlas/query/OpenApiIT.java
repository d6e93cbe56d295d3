package org.liveatlas.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.problem;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.search.SearchRequests;
import org.liveatlas.query.search.SearchResource;
import org.liveatlas.query.security.ApiKeyFilter;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/**
 * The OpenAPI document at {@code /q/openapi} describes the API as it runs: every JAX-RS endpoint of the
 * application (found by reflection) with a 2xx answer in each media type it produces and its problem+json
 * errors, both security schemes, and in every request body the field names the API accepts (Jackson's, as
 * configured in the application) and no other; a request built from the documented names is served, the
 * camelCase names of the Java records are refused.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class OpenApiIT {
    static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBLEM_REF = "#/components/schemas/Problem";
    static JsonNode doc;

    /** The application's JSON mapper: the one that reads request bodies and writes answers. */
    @Inject
    ObjectMapper mapper;

    /** One JAX-RS resource method: its HTTP method, full path and Java method. */
    record Endpoint(String verb, String path, Method method) {
        JsonNode operation() {
            return doc.path("paths").path(path).path(verb.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return verb + " " + path + " (" + method.getDeclaringClass().getSimpleName() + "." + method.getName() + ")";
        }
    }

    /** Fetched before each test: the test port is known to REST Assured only then. */
    @BeforeEach
    void fetchDocument() throws IOException {
        Response r = given().queryParam("format", "json").get("/q/openapi");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        doc = new ObjectMapper().readTree(r.asString());
    }

    @Test
    void everyEndpointIsDocumentedWithItsAnswersAndProblemJsonErrors() {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints)
                .as("the resource scan finds the API's endpoints")
                .extracting(Endpoint::toString)
                .anyMatch(e -> e.startsWith("POST /v1/search/nearest "))
                .anyMatch(e -> e.startsWith("GET /v1/studies/{id} "));
        for (Endpoint e : endpoints) {
            JsonNode op = e.operation();
            assertThat(op.isObject()).as("%s is in the document", e).isTrue();
            assertThat(op.path("summary").asText()).as("summary of %s", e).isNotBlank();
            JsonNode responses = op.path("responses");
            Set<String> success = new TreeSet<>();
            Set<String> problems = new TreeSet<>();
            Set<String> successTypes = new TreeSet<>();
            responses.fieldNames().forEachRemaining(code -> {
                JsonNode content = responses.path(code).path("content");
                if (code.equals("204")) {
                    success.add(code);
                    assertThat(content.size()).as("%s 204 has no body", e).isZero();
                } else if (code.startsWith("2")) {
                    success.add(code);
                    content.fieldNames().forEachRemaining(successTypes::add);
                    assertThat(content.size())
                            .as("%s %s documents its body", e, code)
                            .isPositive();
                } else if (code.startsWith("4") || code.startsWith("5")) {
                    problems.add(code);
                    assertThat(content.path(PROBLEM_JSON)
                                    .path("schema")
                                    .path("$ref")
                                    .asText())
                            .as("%s %s is a problem document", e, code)
                            .isEqualTo(PROBLEM_REF);
                }
            });
            assertThat(success).as("2xx answers of %s", e).isNotEmpty();
            assertThat(problems).as("4xx answers of %s", e).anyMatch(c -> c.startsWith("4"));
            assertThat(problems).as("%s: a missing key is 401", e).contains("401");
            assertThat(successTypes).as("media types of %s's answers", e).containsAll(produces(e.method()));
        }
        JsonNode problem =
                doc.path("components").path("schemas").path("Problem").path("properties");
        assertThat(iterable(problem.fieldNames())).contains("type", "title", "status", "detail", "instance");
    }

    @Test
    void anAnnotationJobIsDocumentedAsA202WithLocationRetryAfterAndItsBody() {
        JsonNode accepted = doc.path("paths")
                .path("/v1/annotate")
                .path("post")
                .path("responses")
                .path("202");
        assertThat(iterable(accepted.path("headers").fieldNames())).contains("Location", "Retry-After");
        JsonNode body = resolve(
                accepted.path("content").path(MediaType.APPLICATION_JSON).path("schema"));
        assertThat(iterable(body.path("properties").fieldNames())).contains("id", "state", "cells_total", "status");
        JsonNode status = doc.path("paths")
                .path("/v1/jobs/{id}")
                .path("get")
                .path("responses")
                .path("200");
        assertThat(iterable(status.path("headers").fieldNames())).contains("Retry-After");
    }

    @Test
    void bothSecuritySchemesAreDeclaredAndRequired() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        schemes.fields().forEachRemaining(f -> byName.put(f.getKey(), f.getValue()));
        assertThat(byName.values())
                .as("an API key in the header the API reads")
                .anyMatch(s -> s.path("type").asText().equals("apiKey")
                        && s.path("in").asText().equals("header")
                        && s.path("name").asText().equals(ApiKeyFilter.HEADER));
        assertThat(byName.values())
                .as("an OIDC bearer token")
                .anyMatch(s -> s.path("type").asText().equals("http")
                        && s.path("scheme").asText().equalsIgnoreCase("bearer"));
        Set<String> required = new HashSet<>();
        doc.path("security").forEach(r -> r.fieldNames().forEachRemaining(required::add));
        assertThat(required).as("the document's security requirements").isEqualTo(byName.keySet());
    }

    @Test
    void everyJsonBodySchemaNamesExactlyTheFieldsTheApiReadsAndEveryAnswerSchemaThoseItWrites() {
        int bodies = 0;
        int answers = 0;
        for (Endpoint e : endpoints()) {
            Parameter entity = jsonEntity(e.method());
            if (entity != null) {
                JsonNode schema = e.operation()
                        .path("requestBody")
                        .path("content")
                        .path(MediaType.APPLICATION_JSON)
                        .path("schema");
                assertThat(schema.isMissingNode())
                        .as("JSON body of %s documented", e)
                        .isFalse();
                matches(
                        schema,
                        mapper.constructType(entity.getParameterizedType()),
                        e + " body",
                        true,
                        new HashSet<>());
                bodies++;
            }
            Class<?> returned = e.method().getReturnType();
            if (returned.isRecord()) {
                JsonNode schema = e.operation()
                        .path("responses")
                        .path("200")
                        .path("content")
                        .path(MediaType.APPLICATION_JSON)
                        .path("schema");
                matches(
                        schema,
                        mapper.constructType(e.method().getGenericReturnType()),
                        e + " answer",
                        false,
                        new HashSet<>());
                answers++;
            }
        }
        assertThat(bodies).as("JSON request bodies checked").isGreaterThanOrEqualTo(5);
        assertThat(answers).as("JSON answers checked").isGreaterThanOrEqualTo(5);
    }

    @Test
    void aNearestSearchWithTheDocumentedNamesIsServedAndTheCamelCaseNamesAreRefused() {
        JsonNode schema = resolve(doc.path("paths")
                .path("/v1/search/nearest")
                .path("post")
                .path("requestBody")
                .path("content")
                .path(MediaType.APPLICATION_JSON)
                .path("schema"));
        Set<String> names = iterable(schema.path("properties").fieldNames());
        String ids = documentedName(names, "cellIds");
        String k = documentedName(names, "k");
        String cell = indexedCell();
        Response served = postJson(OUTSIDER_KEY, "/v1/search/nearest", map(ids, List.of(cell), k, 3));
        assertThat(served.statusCode()).as(served.asString()).isEqualTo(200);
        assertThat(served.jsonPath().getList("results[0].hits")).hasSize(3);

        String javaName = SearchRequests.Nearest.class.getRecordComponents()[1].getName();
        assertThat(javaName).isEqualTo("cellIds");
        Response refused = postJson(OUTSIDER_KEY, "/v1/search/nearest", map(javaName, List.of(cell), k, 3));
        assertThat(problem(refused, 400, "unknown-field")).contains(javaName);
    }

    @Test
    void everyDocumentedBodyFieldIsAcceptedAndItsCamelCaseFormIsNot() {
        int camel = 0;
        for (Endpoint e : endpoints()) {
            if (jsonEntity(e.method()) == null) {
                continue;
            }
            JsonNode schema = e.operation()
                    .path("requestBody")
                    .path("content")
                    .path(MediaType.APPLICATION_JSON)
                    .path("schema");
            Map<String, Object> body = skeleton(schema);
            // every documented field (nested objects too) given, all null: refused for missing values, never
            // for an unknown field
            Response r = postJson(OUTSIDER_KEY, e.path(), body);
            assertThat(r.statusCode())
                    .as("%s with %s: %s", e, body, r.asString())
                    .isLessThan(500);
            assertThat(r.asString()).as("%s with %s", e, body).doesNotContain("/problems/unknown-field");
            for (String name : new ArrayList<>(body.keySet())) {
                if (!name.contains("_")) {
                    continue;
                }
                Map<String, Object> renamed = new LinkedHashMap<>();
                renamed.put(camelCase(name), body.get(name)); // first, so it is the first thing refused
                body.forEach((n, v) -> {
                    if (!n.equals(name)) {
                        renamed.put(n, v);
                    }
                });
                String detail = problem(postJson(OUTSIDER_KEY, e.path(), renamed), 400, "unknown-field");
                assertThat(detail).contains(camelCase(name));
                camel++;
            }
        }
        assertThat(camel).as("camelCase fields tried").isPositive();
    }

    @Test
    void swaggerUiIsServed() {
        Response r = given().redirects().follow(true).get("/q/swagger-ui/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).containsIgnoringCase("swagger");
    }

    /** Checks {@code schema} against what Jackson reads ({@code read}) or writes of {@code type}, recursively. */
    private void matches(JsonNode schema, JavaType type, String where, boolean read, Set<JavaType> seen) {
        JsonNode s = resolve(schema);
        if (type.isArrayType() || type.isCollectionLikeType()) {
            if (type.getContentType().isPrimitive()) {
                return;
            }
            assertThat(s.has("items")).as("%s is an array", where).isTrue();
            matches(s.path("items"), type.getContentType(), where + "[]", read, seen);
            return;
        }
        if (type.isMapLikeType()) {
            JsonNode values = s.path("additionalProperties");
            if (values.isObject() && !type.getContentType().isJavaLangObject()) {
                matches(values, type.getContentType(), where + "{}", read, seen);
            }
            return;
        }
        Class<?> raw = type.getRawClass();
        if (raw.isEnum()) {
            List<String> documented = new ArrayList<>();
            s.path("enum").forEach(v -> documented.add(v.asText()));
            assertThat(documented).as("%s enumerates its values", where).isNotEmpty();
            for (String v : documented) {
                assertThat(mapper.convertValue(v, raw))
                        .as("%s value %s is read", where, v)
                        .isNotNull();
            }
            for (Object constant : raw.getEnumConstants()) {
                assertThat(documented).as("%s", where).contains(mapper.convertValue(constant, String.class));
            }
            return;
        }
        if (!raw.getName().startsWith("org.liveatlas.") || raw.isAnnotationPresent(JsonSerialize.class)) {
            return; // JDK values, or a type with a serializer of its own
        }
        if (!seen.add(type)) {
            return;
        }
        Map<String, BeanPropertyDefinition> jackson = new LinkedHashMap<>();
        List<BeanPropertyDefinition> properties = read
                ? mapper.getDeserializationConfig().introspect(type).findProperties()
                : mapper.getSerializationConfig().introspect(type).findProperties();
        for (BeanPropertyDefinition p : properties) {
            if (read ? p.couldDeserialize() : p.couldSerialize()) {
                jackson.put(p.getName(), p);
            }
        }
        Set<String> documented = iterable(s.path("properties").fieldNames());
        assertThat(documented)
                .as(
                        "%s (%s): documented fields against those the API %s",
                        where, raw.getName(), read ? "reads" : "writes")
                .containsExactlyInAnyOrderElementsOf(jackson.keySet());
        jackson.forEach((name, p) ->
                matches(s.path("properties").path(name), p.getPrimaryType(), where + "." + name, read, seen));
    }

    /** A body giving every documented field, nested objects as such, every value null. */
    private Map<String, Object> skeleton(JsonNode schema) {
        JsonNode s = resolve(schema);
        Map<String, Object> body = new LinkedHashMap<>();
        s.path("properties").fields().forEachRemaining(f -> {
            JsonNode field = resolve(f.getValue());
            boolean object = field.path("type").asText().equals("object") && field.has("properties");
            body.put(f.getKey(), object ? skeleton(field) : null);
        });
        return body;
    }

    /** Follows a {@code $ref} to its component schema. */
    private static JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText();
        if (ref.isEmpty()) {
            return schema;
        }
        assertThat(ref).startsWith("#/components/schemas/");
        JsonNode target = doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        assertThat(target.isObject()).as("schema %s exists", ref).isTrue();
        return target;
    }

    /** The documented name of the Java property {@code javaName} (the same words, any case or separator). */
    private static String documentedName(Set<String> documented, String javaName) {
        return documented.stream()
                .filter(n -> n.replace("_", "").equalsIgnoreCase(javaName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no documented field for " + javaName + " in " + documented));
    }

    private static String camelCase(String snake) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    private static String indexedCell() {
        SyntheticAtlas atlas = SyntheticAtlas.shared();
        for (int row = 0; row < SyntheticAtlas.CELLS_PER_STUDY; row++) {
            if (atlas.indexed("synth01", row)) {
                return atlas.docId("synth01", row);
            }
        }
        throw new IllegalStateException("synth01 has no indexed cell");
    }

    /** The JSON entity parameter of a resource method consuming JSON, or null. */
    private static Parameter jsonEntity(Method m) {
        Consumes consumes = m.isAnnotationPresent(Consumes.class)
                ? m.getAnnotation(Consumes.class)
                : m.getDeclaringClass().getAnnotation(Consumes.class);
        if (consumes == null || !List.of(consumes.value()).contains(MediaType.APPLICATION_JSON)) {
            return null;
        }
        for (Parameter p : m.getParameters()) {
            if (p.getAnnotations().length == 0) {
                return p;
            }
        }
        return null;
    }

    private static List<String> produces(Method m) {
        Produces produces = m.isAnnotationPresent(Produces.class)
                ? m.getAnnotation(Produces.class)
                : m.getDeclaringClass().getAnnotation(Produces.class);
        return produces == null ? List.of() : List.of(produces.value());
    }

    /** Every resource method of the application's classes (those beside {@link SearchResource}). */
    static List<Endpoint> endpoints() {
        String anchor = SearchResource.class.getName().replace('.', '/') + ".class";
        URL url = SearchResource.class.getClassLoader().getResource(anchor);
        assertThat(url).as("location of %s", anchor).isNotNull();
        assertThat(url.getProtocol())
                .as("the application's classes are a folder: %s", url)
                .isEqualTo("file");
        java.nio.file.Path root;
        try {
            root = java.nio.file.Path.of(url.toURI());
        } catch (URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
        for (int i = 0; i < anchor.split("/").length; i++) {
            root = root.getParent();
        }
        java.nio.file.Path classes = root;
        List<Endpoint> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path f :
                    files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, SearchResource.class.getClassLoader());
                Path base = c.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method m : c.getDeclaredMethods()) {
                    String verb = httpMethod(m);
                    if (verb != null) {
                        Path sub = m.getAnnotation(Path.class);
                        out.add(new Endpoint(verb, join(base.value(), sub == null ? "" : sub.value()), m));
                    }
                }
            }
        } catch (IOException | ClassNotFoundException ex) {
            throw new IllegalStateException("cannot scan " + classes, ex);
        }
        out.sort(java.util.Comparator.comparing(Endpoint::toString));
        return out;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        path = path.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}"); // a parameter's regex is not part of its name
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Set<String> iterable(Iterator<String> names) {
        Set<String> out = new LinkedHashSet<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
