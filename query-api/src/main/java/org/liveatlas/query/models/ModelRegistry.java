package org.liveatlas.query.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;

/**
 * The model versions in the registry folder ({@code atlas.query.models.dir}, one sub-folder per version
 * in the core's registry format) and the encoder of the current one, loaded once and swapped when the
 * current version changes.
 */
@ApplicationScoped
public class ModelRegistry {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path dir;
    private final Optional<String> pinned;
    private LoadedModel loaded;

    ModelRegistry(QueryConfig config) {
        this.dir = config.models().dir();
        this.pinned = config.models().current();
    }

    /** Every version with a manifest, newest first. */
    public List<Manifest> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Manifest> out = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path f : folders.sorted().toList()) {
                Path m = f.resolve(ModelFolder.MANIFEST);
                if (Files.isRegularFile(m)) {
                    try {
                        out.add(JSON.readValue(m.toFile(), Manifest.class));
                    } catch (IOException | RuntimeException e) {
                        LOG.warnf("model folder %s has an unreadable manifest, skipped: %s", f, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list model folder " + dir, e);
        }
        out.sort(Comparator.comparing(Manifest::created).reversed());
        return out;
    }

    /** The manifest of the version queries are embedded with. */
    public Manifest currentManifest() {
        List<Manifest> all = list();
        if (pinned.isPresent()) {
            return all.stream()
                    .filter(m -> m.version().equals(pinned.get()))
                    .findFirst()
                    .orElseThrow(() -> noModel("the configured atlas.query.models.current '" + pinned.get()
                            + "' is not a model folder under " + dir));
        }
        return all.stream()
                .filter(m -> m.status() == ModelStatus.PUBLISHED)
                .findFirst()
                .or(() -> all.stream()
                        .filter(m -> m.status() == ModelStatus.IMPORTED)
                        .findFirst())
                .orElseThrow(() -> noModel("no published model under " + dir
                        + "; train one with the trainer or import SCimilarity's weights"));
    }

    /** The current model, loaded (weights and encoder) on first use and reloaded when it changes. */
    public synchronized LoadedModel current() {
        Manifest m = currentManifest();
        if (loaded == null || !loaded.manifest().version().equals(m.version())) {
            ModelFolder folder = ModelFolder.load(dir.resolve(m.version()));
            ScimilarityEncoder encoder = ScimilarityEncoder.open(folder, EncoderOptions.defaults());
            LoadedModel previous = loaded;
            loaded = new LoadedModel(m, folder, encoder);
            if (previous != null) {
                previous.encoder().close();
            }
            LOG.infof(
                    "model %s loaded: %d genes, latent %d",
                    m.version(), folder.geneOrder().size(), encoder.latentDim());
        }
        return loaded;
    }

    @PreDestroy
    synchronized void close() {
        if (loaded != null) {
            loaded.encoder().close();
            loaded = null;
        }
    }

    private static ApiProblem noModel(String detail) {
        return ApiProblem.of(503, "no-model", "Service unavailable", detail);
    }

    /**
     * A model ready to embed.
     *
     * @param manifest its manifest
     * @param folder its weights and gene order
     * @param encoder the encoder (thread-safe)
     */
    public record LoadedModel(Manifest manifest, ModelFolder folder, ScimilarityEncoder encoder) {}
}
