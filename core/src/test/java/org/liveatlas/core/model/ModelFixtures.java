package org.liveatlas.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * The golden fixtures written by {@code core/src/test/python/make_model_fixtures.py}: a small model
 * in SCimilarity's on-disk format, an input and PyTorch's eval-mode outputs.
 */
public final class ModelFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFixtures() {}

    public static Path resource(String name) {
        try {
            return Path.of(ModelFixtures.class.getResource("/model/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The published-format model folder. */
    public static Path scimilarityFolder() {
        return resource("scimilarity_small");
    }

    /** A writable copy of the model folder under {@code dir}. */
    public static Path copyOfFolder(Path dir) {
        Path target = dir.resolve("model");
        try (Stream<Path> files = Files.list(scimilarityFolder())) {
            Files.createDirectories(target);
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    public static JsonNode golden() {
        try {
            return JSON.readTree(resource("scimilarity_small_golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden input as a CSR batch (zeros dropped). */
    public static CsrBatch input() {
        return toCsr(golden().get("input_dense"));
    }

    public static float[] expectedEmbeddings() {
        return flatten(golden().get("expected_embeddings"));
    }

    public static float[] expectedDecoded() {
        return flatten(golden().get("expected_decoded"));
    }

    public static float[] flatten(JsonNode rows) {
        List<Float> out = new ArrayList<>();
        rows.forEach(r -> r.forEach(v -> out.add(v.floatValue())));
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    static CsrBatch toCsr(JsonNode rows) {
        int n = rows.size();
        int cols = rows.get(0).size();
        int[] indptr = new int[n + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            JsonNode row = rows.get(r);
            for (int c = 0; c < cols; c++) {
                float v = row.get(c).floatValue();
                if (v != 0f) {
                    idx.add(c);
                    val.add(v);
                }
            }
            indptr[r + 1] = idx.size();
        }
        int[] indices = idx.stream().mapToInt(Integer::intValue).toArray();
        float[] values = new float[val.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = val.get(i);
        }
        return new CsrBatch(n, cols, indptr, indices, values);
    }
}
