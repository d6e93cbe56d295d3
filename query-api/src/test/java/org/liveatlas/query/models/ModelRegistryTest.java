package org.liveatlas.query.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.query.problem.ApiProblem;

class ModelRegistryTest {

    static Manifest manifest(String version, ModelStatus status, String created) {
        return new Manifest(
                Manifest.FORMAT_VERSION,
                version,
                null,
                Instant.parse(created),
                Map.of(),
                Map.of("accuracy", 0.9),
                0.1,
                status,
                null);
    }

    static final Manifest V1 = manifest("v1", ModelStatus.RETIRED, "2026-01-01T00:00:00Z");
    static final Manifest V2 = manifest("v2", ModelStatus.PUBLISHED, "2026-02-01T00:00:00Z");
    static final Manifest V3 = manifest("v3", ModelStatus.PUBLISHED, "2026-03-01T00:00:00Z");
    static final Manifest R4 = manifest("r4", ModelStatus.REJECTED, "2026-04-01T00:00:00Z");
    static final List<Manifest> NEWEST_FIRST = List.of(R4, V3, V2, V1);

    @Test
    void theVersionBehindTheCellsAliasServesEvenWhenRetiredSoQueriesMatchTheirIndex() {
        assertThat(ModelRegistry.choose(NEWEST_FIRST, Set.of("cells-v1"))).contains(V1);
        assertThat(ModelRegistry.choose(NEWEST_FIRST, Set.of("cells-v2"))).contains(V2);
    }

    @Test
    void aNewlyPublishedVersionWaitsUntilTheAliasMovesToItsIndex() {
        // v3 is the newest published, but the alias still points at v2's index while v3's is built
        assertThat(ModelRegistry.choose(NEWEST_FIRST, Set.of("cells-v2"))).contains(V2);
        assertThat(ModelRegistry.choose(NEWEST_FIRST, Set.of("cells-v3"))).contains(V3);
    }

    @Test
    void withoutAMatchingAliasTheNewestPublishedServesAndARejectedVersionNever() {
        assertThat(ModelRegistry.choose(NEWEST_FIRST, Set.of())).contains(V3);
        assertThat(ModelRegistry.choose(NEWEST_FIRST, Set.of("cells-r4"))).contains(V3);
        assertThat(ModelRegistry.choose(List.of(R4), Set.of())).isEmpty();
    }

    @Test
    void beforeAnyModelIsPublishedTheRegistryListsRejectedVersionsAndAnswersA503WithTheRemedy(@TempDir Path dir)
            throws IOException {
        write(dir, R4);
        ModelRegistry registry = new ModelRegistry(new FolderCatalog(dir), Optional.empty(), Set::of);
        registry.refresh();
        assertThat(registry.list()).extracting(Manifest::version).containsExactly("r4");
        assertThat(registry.servingVersion()).isEmpty();
        assertThatThrownBy(registry::current).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(503);
            assertThat(p.type()).isEqualTo("no-model");
            assertThat(p.getMessage()).startsWith("no model published yet; run ./atlas train");
        });
        assertThatThrownBy(registry::lease).isInstanceOf(ApiProblem.class);
    }

    @Test
    void aPinnedVersionMissingFromTheRegistryIsNamedInThe503(@TempDir Path dir) throws IOException {
        write(dir, R4);
        ModelRegistry registry = new ModelRegistry(new FolderCatalog(dir), Optional.of("v9"), Set::of);
        registry.refresh();
        assertThatThrownBy(registry::current)
                .hasMessageContaining("atlas.query.models.current 'v9' is not in the model registry");
    }

    @Test
    void aLeaseSearchesTheConcreteIndexItsModelWasChosenBehindUntilTheNextLook(@TempDir Path dir) {
        org.liveatlas.core.model.ModelFolder folder =
                org.liveatlas.core.model.RandomModels.folder(List.of("G1", "G2", "G3"), List.of(4), 2, 5);
        folder.save(dir.resolve("v1"), V1.withStatus(ModelStatus.PUBLISHED));
        folder.save(dir.resolve("v2"), V2);
        java.util.concurrent.atomic.AtomicReference<Set<String>> alias =
                new java.util.concurrent.atomic.AtomicReference<>(Set.of("cells-v1"));
        ModelRegistry registry = new ModelRegistry(new FolderCatalog(dir), Optional.empty(), alias::get);
        registry.refresh();
        try (LoadedModel.Lease lease = registry.lease()) {
            assertThat(lease.model().version()).isEqualTo("v1");
            assertThat(lease.index()).contains("cells-v1");
        }
        // the alias moves: until the registry looks again, v1's embeddings keep searching v1's own index
        alias.set(Set.of("cells-v2"));
        try (LoadedModel.Lease lease = registry.lease()) {
            assertThat(lease.model().version()).isEqualTo("v1");
            assertThat(lease.index()).contains("cells-v1");
        }
        registry.refresh();
        try (LoadedModel.Lease lease = registry.lease()) {
            assertThat(lease.model().version()).isEqualTo("v2");
            assertThat(lease.index()).contains("cells-v2");
        }
        // no index of any version behind the alias: the newest published serves, searching the alias
        alias.set(Set.of("cells-other"));
        registry.refresh();
        try (LoadedModel.Lease lease = registry.lease()) {
            assertThat(lease.model().version()).isEqualTo("v2");
            assertThat(lease.index()).isEmpty();
        }
        registry.close();
    }

    private static void write(Path registry, Manifest m) throws IOException {
        Path d = Files.createDirectories(registry.resolve(m.version()));
        FolderCatalog.JSON
                .copy()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .writeValue(d.resolve("manifest.json").toFile(), m);
    }
}
