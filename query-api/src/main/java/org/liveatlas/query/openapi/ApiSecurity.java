package org.liveatlas.query.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import org.liveatlas.query.security.ApiKeyFilter;

/**
 * Declares in the OpenAPI document the two ways {@link ApiKeyFilter} authenticates a {@code /v1} request, an
 * API key ({@value #API_KEY}) or an OIDC bearer token ({@value #BEARER}), and that every operation needs one
 * of them; so Swagger UI can send them.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiSecurity implements OASFilter {
    /** Name of the API-key security scheme. */
    public static final String API_KEY = "api_key";

    /** Name of the bearer-token security scheme. */
    public static final String BEARER = "bearer";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addSecurityScheme(
                API_KEY,
                OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name(ApiKeyFilter.HEADER)
                        .description(
                                "An API key from the operator; with no key configured the API generates one on first"
                                        + " start in <data-dir>/query-api/local-api-key. Without a key or token a /v1"
                                        + " request is refused (401) unless anonymous read access to public studies is on"
                                        + " (atlas.query.security.anonymous-access, default false; ./atlas up turns it on"
                                        + " for the local stack: atlas.api.anonymous-access)."));
        components.addSecurityScheme(
                BEARER,
                OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("An OIDC access token (RS256 JWT) of the configured issuer"
                                + " (atlas.query.security.oidc.*), sent as Authorization: Bearer <token>; read only"
                                + " when no " + ApiKeyFilter.HEADER + " header is sent."));
        // either scheme satisfies the API (a list of requirements means "one of these")
        openAPI.setSecurity(List.of(
                OASFactory.createSecurityRequirement().addScheme(API_KEY),
                OASFactory.createSecurityRequirement().addScheme(BEARER)));
    }
}
