package org.liveatlas.query.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.ModelRegistry;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Ready when OpenSearch answers, the cells index (or alias) exists and a current model is found. */
@Readiness
@ApplicationScoped
public class AtlasReadiness implements HealthCheck {
    private final OpenSearchClient client;
    private final ModelRegistry models;
    private final QueryConfig config;

    AtlasReadiness(OpenSearchClient client, ModelRegistry models, QueryConfig config) {
        this.client = client;
        this.models = models;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("atlas");
        boolean up = true;
        try {
            String status = client.cluster().health().status().jsonValue();
            b.withData("opensearch", status);
            up = !"red".equals(status);
            boolean cells = client.indices()
                    .exists(e -> e.index(config.opensearch().cellsIndex()))
                    .value();
            b.withData("cells_index", cells ? config.opensearch().cellsIndex() : "missing");
            up &= cells;
        } catch (Exception e) {
            b.withData("opensearch", "unreachable");
            up = false;
        }
        String model = models.servingVersion().orElse(null);
        b.withData("model", model == null ? "none" : model);
        up &= model != null;
        return b.status(up).build();
    }
}
