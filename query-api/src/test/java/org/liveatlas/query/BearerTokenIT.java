package org.liveatlas.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.problem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/** OIDC bearer tokens (RS256 JWTs of the configured issuer) beside API keys, groups from a configured claim. */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class BearerTokenIT {
    static final String PRIVATE_STUDY = "synth03";

    static String token(PrivateKey key, String issuer, long expiresInSeconds, List<String> groups) throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuer);
        c.setSubject("ada");
        c.setIssuedAtToNow();
        NumericDate exp = NumericDate.now();
        exp.addSeconds(expiresInSeconds);
        c.setExpirationTime(exp);
        c.setStringListClaim(AtlasTestResource.GROUPS_CLAIM, groups);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    static String valid(List<String> groups) throws Exception {
        return token(AtlasTestResource.ISSUER_KEYS.getPrivate(), AtlasTestResource.ISSUER, 300, groups);
    }

    static Response studies(String bearer) {
        return given().header("Authorization", "Bearer " + bearer).get("/v1/studies");
    }

    static List<String> ids(Response r) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath().getList("studies.study.study_id");
    }

    @Test
    void aValidTokenOfTheGroupSeesThePrivateStudyAndOneWithoutTheGroupDoesNot() throws Exception {
        assertThat(ids(studies(valid(List.of(SyntheticAtlas.PRIVATE_GROUP, "other")))))
                .contains(PRIVATE_STUDY);
        assertThat(ids(studies(valid(List.of("other"))))).isNotEmpty().doesNotContain(PRIVATE_STUDY);
        Response hidden =
                given().header("Authorization", "Bearer " + valid(List.of())).get("/v1/studies/" + PRIVATE_STUDY);
        assertThat(hidden.statusCode()).isEqualTo(404);
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        String t = token(
                AtlasTestResource.ISSUER_KEYS.getPrivate(),
                "https://elsewhere.test",
                300,
                List.of(SyntheticAtlas.PRIVATE_GROUP));
        assertThat(problem(studies(t), 401, "invalid-token")).contains("issuer");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String t = token(
                AtlasTestResource.ISSUER_KEYS.getPrivate(),
                AtlasTestResource.ISSUER,
                -600,
                List.of(SyntheticAtlas.PRIVATE_GROUP));
        assertThat(problem(studies(t), 401, "invalid-token")).contains("expired");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair other = g.generateKeyPair();
        String t = token(other.getPrivate(), AtlasTestResource.ISSUER, 300, List.of(SyntheticAtlas.PRIVATE_GROUP));
        assertThat(problem(studies(t), 401, "invalid-token")).contains("signature");
    }

    @Test
    void garbageAndNonBearerAuthorizationAreRefused() {
        problem(studies("not.a.jwt"), 401, "invalid-token");
        problem(given().header("Authorization", "Basic YWRhOnB3").get("/v1/studies"), 401, "invalid-token");
    }
}
