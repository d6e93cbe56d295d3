package org.liveatlas.query.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for calling the API in tests. */
public final class Api {
    private Api() {}

    /** A request with the given API key. */
    public static RequestSpecification as(String key) {
        return given().header("X-API-Key", key);
    }

    /** A JSON POST with the given key. */
    public static Response postJson(String key, String path, Object body) {
        return as(key).contentType("application/json").body(body).when().post(path);
    }

    /** Asserts an RFC 9457 problem of this status and type, free of Java internals; returns its detail. */
    public static String problem(Response r, int status, String type) {
        String body = r.asString();
        assertThat(r.statusCode()).as("status of %s", body).isEqualTo(status);
        assertThat(r.contentType()).as("content type of %s", body).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("type")).as(body).isEqualTo("/problems/" + type);
        assertThat(r.jsonPath().getInt("status")).isEqualTo(status);
        String detail = r.jsonPath().getString("detail");
        assertThat(detail).as(body).isNotBlank();
        assertThat(body).doesNotContain("org.liveatlas", "java.", "Exception", "\tat ", "/tmp/");
        return detail;
    }

    /** An embedding as a JSON list. */
    public static List<Float> vector(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }

    /** A mutable map of the given pairs. */
    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
