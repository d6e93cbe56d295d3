package org.liveatlas.trainer.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.model.ModelFolder;

/**
 * Writes a model as the folder SCimilarity's {@code MetricLearning.save_all} produces and its Python
 * package loads: {@code encoder.ckpt} and {@code decoder.ckpt} ({@code torch.save({"state_dict":
 * ...})}, see {@link TorchCheckpointWriter}), {@code layer_sizes.json} (the encoder's tensor shapes),
 * {@code gene_order.tsv} (one gene per line) and {@code label_ints.csv} (pandas' {@code
 * Series.to_csv} with non-numeric quoting). The core's {@link ModelFolder#importScimilarity} reads it
 * back.
 */
public final class ScimilarityExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScimilarityExport() {}

    /** Writes {@code model} into {@code dir} (created; existing files of the layout are replaced). */
    public static void write(ModelFolder model, Path dir) {
        try {
            Files.createDirectories(dir);
            TorchCheckpointWriter.write(dir.resolve(ModelFolder.ENCODER_CKPT), model.encoder());
            if (model.decoder().isPresent()) {
                TorchCheckpointWriter.write(
                        dir.resolve(ModelFolder.DECODER_CKPT), model.decoder().get());
            }
            Files.writeString(
                    dir.resolve(ModelFolder.LAYER_SIZES),
                    JSON.writeValueAsString(model.encoder().shapes()));
            Files.writeString(
                    dir.resolve(ModelFolder.GENE_ORDER), String.join("\n", model.geneOrder()), StandardCharsets.UTF_8);
            if (!model.labels().isEmpty()) {
                StringBuilder sb = new StringBuilder("\"\",\"0\"\n");
                for (Map.Entry<Integer, String> e : model.labels().entrySet()) {
                    sb.append(e.getKey())
                            .append(",\"")
                            .append(e.getValue().replace("\"", "\"\""))
                            .append("\"\n");
                }
                Files.writeString(dir.resolve(ModelFolder.LABEL_INTS), sb.toString(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new AtlasException(
                    dir + ": cannot write the SCimilarity model folder: " + e.getMessage()
                            + "; check that the folder is writable",
                    e);
        }
    }
}
