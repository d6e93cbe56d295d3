package org.liveatlas.flink.index;

import java.nio.file.Path;
import java.util.Objects;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.flink.config.PipelineConfig;

/**
 * A model loaded in a task: its version, the encoder (one per task, loaded once) and the preprocessor for its
 * gene order. Close it when the task ends or another model replaces it.
 */
public final class LoadedModel implements AutoCloseable {
    private final String version;
    private final ScimilarityEncoder encoder;
    private final StudyPreprocessor preprocessor;

    private LoadedModel(String version, ScimilarityEncoder encoder, StudyPreprocessor preprocessor) {
        this.version = version;
        this.encoder = encoder;
        this.preprocessor = preprocessor;
    }

    /**
     * Loads the model folder {@code dir}; its version is the manifest's, else {@code fallbackVersion}, else the
     * folder name.
     */
    public static LoadedModel load(Path dir, String fallbackVersion, PipelineConfig config) {
        ModelFolder folder = ModelFolder.load(dir);
        String version = folder.manifest()
                .map(m -> m.version())
                .orElse(
                        fallbackVersion != null
                                ? fallbackVersion
                                : dir.getFileName().toString());
        ScimilarityEncoder encoder = ScimilarityEncoder.open(folder, config.encoderOptions());
        PreprocessOptions prep = PreprocessOptions.DEFAULT
                .withChunkRows(config.chunkRows())
                .withQc(config.qc())
                .withAlign(AlignOptions.DEFAULT.withMinSharedGenes(config.minSharedGenes()));
        return new LoadedModel(version, encoder, new StudyPreprocessor(folder.geneOrder(), prep));
    }

    public String version() {
        return version;
    }

    public ScimilarityEncoder encoder() {
        return encoder;
    }

    public StudyPreprocessor preprocessor() {
        return preprocessor;
    }

    public int latentDim() {
        return encoder.latentDim();
    }

    @Override
    public void close() {
        encoder.close();
    }

    @Override
    public String toString() {
        return "model " + version + " (" + preprocessor.modelGenes().size() + " genes, latent " + latentDim() + ")";
    }

    static String requireVersion(String v) {
        return Objects.requireNonNull(v, "model version");
    }
}
