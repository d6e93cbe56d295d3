package org.liveatlas.trainer.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.RandomModels;

/**
 * The small model whose SCimilarity export is committed under {@code
 * src/test/resources/export/java_exported/} and read by {@code src/test/python/check_java_export.py}.
 * Regenerate (from the repository root, after {@code ./mvnw -o -pl trainer -am test-compile}):
 *
 * <pre>
 * java -cp "$(cat trainer/target/cp.txt):core/target/classes:schemas/target/classes:trainer/target/classes:trainer/target/test-classes" \
 *     org.liveatlas.trainer.export.ExportFixture trainer/src/test/resources/export/java_exported
 * /usr/bin/python3 trainer/src/test/python/check_java_export.py
 * </pre>
 */
public final class ExportFixture {

    static final int GENES = 60;
    static final List<Integer> HIDDEN = List.of(32, 16);
    static final int LATENT = 8;
    static final long SEED = 20261125L;

    private ExportFixture() {}

    /** The deterministic model: random weights, BatchNorm statistics and labels with a quote and a comma. */
    static ModelFolder model() {
        List<String> genes = new ArrayList<>();
        for (int i = 0; i < GENES; i++) {
            genes.add(String.format("GENE%02d", i));
        }
        genes.set(0, "CD3E");
        genes.set(1, "MS4A1");
        ModelFolder random = RandomModels.folder(genes, HIDDEN, LATENT, SEED);
        return ModelFolder.of(
                genes,
                random.encoder(),
                random.decoder().orElseThrow(),
                Map.of(0, "B cell", 1, "CD4-positive, alpha-beta T cell", 2, "a \"quoted\" label"),
                null);
    }

    public static void main(String[] args) {
        ScimilarityExport.write(model(), Path.of(args[0]));
    }
}
