package org.liveatlas.query.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.liveatlas.query.config.QueryConfig;

/**
 * Validates OIDC bearer tokens: signed JWTs (RS256 only) from the configured issuer, checked against the
 * issuer's JWKS (fetched and cached by jose4j) or a configured public key, with {@code exp} required,
 * {@code nbf}/{@code iss}/{@code aud} enforced; the caller's groups come from a configurable claim.
 */
@ApplicationScoped
public class BearerTokens {
    private static final Logger LOG = Logger.getLogger(BearerTokens.class);

    private final JwtConsumer consumer;
    private final String groupsClaim;
    private final String nameClaim;

    BearerTokens(QueryConfig config) {
        QueryConfig.Oidc oidc = config.security().oidc();
        this.groupsClaim = oidc.groupsClaim();
        this.nameClaim = oidc.nameClaim();
        if (oidc.issuer().isEmpty()) {
            consumer = null;
            return;
        }
        JwtConsumerBuilder b = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(oidc.clockSkewSeconds())
                .setExpectedIssuer(oidc.issuer().get())
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256);
        if (oidc.audience().isPresent()) {
            b.setExpectedAudience(oidc.audience().get());
        } else {
            b.setSkipDefaultAudienceValidation();
        }
        if (oidc.publicKeyFile().isPresent()) {
            b.setVerificationKey(readPublicKey(oidc.publicKeyFile().get()));
        } else if (oidc.jwksUrl().isPresent()) {
            b.setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(
                    new HttpsJwks(oidc.jwksUrl().get())));
        } else {
            throw new IllegalStateException("atlas.query.security.oidc.issuer is set but neither"
                    + " atlas.query.security.oidc.jwks-url nor atlas.query.security.oidc.public-key-file is; set one so"
                    + " tokens can be verified");
        }
        consumer = b.build();
        LOG.infof(
                "bearer tokens of issuer %s accepted (groups claim '%s')",
                oidc.issuer().get(), groupsClaim);
    }

    /** Whether bearer tokens are accepted at all. */
    public boolean enabled() {
        return consumer != null;
    }

    /** The caller a valid token names; empty with the reason in {@code why} when the token is not valid. */
    public Optional<Caller> validate(String token, StringBuilder why) {
        if (consumer == null) {
            why.append("bearer tokens are not accepted here (no OIDC issuer configured); use an API key");
            return Optional.empty();
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String name = claims.getClaimValueAsString(nameClaim);
            if (name == null || name.isBlank()) {
                why.append("the token has no '").append(nameClaim).append("' claim");
                return Optional.empty();
            }
            return Optional.of(new Caller("oidc:" + name, groups(claims.getClaimValue(groupsClaim))));
        } catch (InvalidJwtException e) {
            why.append(reason(e));
            return Optional.empty();
        } catch (RuntimeException e) {
            why.append("the token's claims cannot be read");
            return Optional.empty();
        }
    }

    /** Groups from a list claim or a space/comma separated string claim. */
    static Set<String> groups(Object claim) {
        Set<String> out = new TreeSet<>();
        if (claim instanceof Collection<?> c) {
            c.forEach(g -> {
                if (g != null && !g.toString().isBlank()) {
                    out.add(g.toString().trim());
                }
            });
        } else if (claim instanceof String s) {
            for (String g : s.split("[,\\s]+")) {
                if (!g.isBlank()) {
                    out.add(g);
                }
            }
        }
        return out;
    }

    /** A reason naming what failed, without echoing the token. */
    private static String reason(InvalidJwtException e) {
        List<String> parts = new ArrayList<>();
        if (e.hasExpired()) {
            parts.add("the token has expired");
        }
        e.getErrorDetails().forEach(d -> {
            switch (d.getErrorCode()) {
                case org.jose4j.jwt.consumer.ErrorCodes.ISSUER_INVALID -> parts.add(
                        "the token's issuer is not the" + " configured one");
                case org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID -> parts.add(
                        "the token's signature is not" + " valid for the issuer's key");
                case org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID,
                        org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING -> parts.add(
                        "the token is not for this" + " audience");
                case org.jose4j.jwt.consumer.ErrorCodes.NOT_YET_VALID -> parts.add("the token is not valid yet");
                case org.jose4j.jwt.consumer.ErrorCodes.EXPIRATION_MISSING -> parts.add("the token has no exp claim");
                default -> {}
            }
        });
        if (parts.isEmpty()) {
            parts.add("the token is not a valid RS256-signed JWT of the configured issuer");
        }
        return String.join("; ", new TreeSet<>(parts));
    }

    private static PublicKey readPublicKey(java.nio.file.Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII)
                    .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "atlas.query.security.oidc.public-key-file " + file
                            + " is not a PEM RSA public key (-----BEGIN PUBLIC KEY-----): " + e.getMessage(),
                    e);
        }
    }
}
