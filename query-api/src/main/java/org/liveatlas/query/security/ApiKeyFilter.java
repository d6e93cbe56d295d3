package org.liveatlas.query.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ProblemDocument;

/**
 * Authenticates every {@code /v1} request by its {@code X-API-Key} header or an OIDC bearer token
 * ({@code Authorization: Bearer <JWT>}), applies the caller's rate limit and the request size limit,
 * before any resource method runs.
 */
public class ApiKeyFilter {
    /** Header carrying the API key. */
    public static final String HEADER = "X-API-Key";

    @Inject
    ApiKeys keys;

    @Inject
    RateLimiter limiter;

    @Inject
    CurrentCaller current;

    @Inject
    QueryConfig config;

    @Inject
    BearerTokens tokens;

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            return Optional.empty();
        }
        String key = request.getHeaderString(HEADER);
        String authorization = request.getHeaderString("Authorization");
        Caller caller;
        if ((key == null || key.isBlank()) && authorization != null && !authorization.isBlank()) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(ProblemDocument.build(
                        401,
                        "invalid-token",
                        "Unauthorized",
                        "the Authorization header must be 'Bearer <token>'; or send an API key in " + HEADER,
                        path,
                        Map.of()));
            }
            StringBuilder why = new StringBuilder();
            Optional<Caller> found = tokens.validate(authorization.substring(7).trim(), why);
            if (found.isEmpty()) {
                return Optional.of(ProblemDocument.build(
                        401,
                        "invalid-token",
                        "Unauthorized",
                        why + "; get a new token from the issuer",
                        path,
                        Map.of()));
            }
            caller = found.get();
        } else if (key == null || key.isBlank()) {
            if (!config.security().anonymousAccess()) {
                return Optional.of(ProblemDocument.build(
                        401,
                        "missing-api-key",
                        "Unauthorized",
                        "this API needs an API key in the " + HEADER + " header"
                                + (tokens.enabled() ? " or an OIDC bearer token (Authorization: Bearer)" : ""),
                        path,
                        Map.of()));
            }
            caller = Caller.anonymous();
        } else {
            Optional<Caller> found = keys.lookup(key.trim());
            if (found.isEmpty()) {
                return Optional.of(ProblemDocument.build(
                        401,
                        "invalid-api-key",
                        "Unauthorized",
                        "the API key in the " + HEADER + " header is not valid; ask the operator for a key",
                        path,
                        Map.of()));
            }
            caller = found.get();
        }
        long wait = limiter.acquire(caller.name());
        if (wait > 0) {
            return Optional.of(ProblemDocument.build(
                    429,
                    "rate-limited",
                    "Too many requests",
                    "caller " + caller.name() + " exceeded " + config.security().requestsPerMinute()
                            + " requests per minute; retry in " + wait + " s",
                    path,
                    Map.of("retry_after_seconds", wait)));
        }
        long limit = config.annotate().maxUploadBytes();
        int length = request.getLength();
        if (length > limit) {
            return Optional.of(ProblemDocument.build(
                    413,
                    "request-too-large",
                    "Content too large",
                    "the request body has " + length + " bytes, more than the limit of " + limit
                            + " (atlas.query.annotate.max-upload-bytes); split the dataset or subsample it",
                    path,
                    Map.of("limit_bytes", limit)));
        }
        current.set(caller);
        return Optional.empty();
    }
}
