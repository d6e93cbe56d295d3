package org.liveatlas.infra.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.align.AlignmentReport;
import org.liveatlas.core.encoder.DeviceOption;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.io.NpyWriter;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.qc.QcReport;
import org.liveatlas.core.qc.QcThresholds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code atlas embed}: embeds one study file with a model folder, streaming, into a NumPy file. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = "Embed the cells of INPUT (.h5ad, 10x folder or 10x .h5) with a model folder (LiveAtlas registry"
                + " format or a published SCimilarity model) and write float32 embeddings, one row per kept cell"
                + " in the input's order, as a NumPy .npy file (cells x latent).")
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    AtlasMain parent;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Embeddings to write.")
    Path out;

    @Option(
            names = "--cells-out",
            paramLabel = "FILE",
            description = "Also write the embedded cells' ids, one per line.")
    Path cellsOut;

    @Option(
            names = "--batch-size",
            defaultValue = "1024",
            description = "Cells read, normalised and embedded per batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--device",
            defaultValue = "CPU",
            description = "Where to run the encoder: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    DeviceOption device;

    @Option(
            names = "--min-shared-genes",
            paramLabel = "N",
            description = "Reject the study when fewer of the model's genes are found (default: the platform's"
                    + " atlas.min-shared-genes, never more than the model has).")
    Integer minSharedGenes;

    @Option(
            names = "--qc",
            defaultValue = "PERMISSIVE",
            description = "Cell QC: PERMISSIVE keeps every cell, SCIMILARITY_TRAINING applies SCimilarity's training"
                    + " filter (counts > 1,000, genes > 500, mitochondrial fraction < 20%%).")
    QcPreset qc;

    @Parameters(index = "0", paramLabel = "INPUT", description = "A .h5ad file, a 10x folder or a 10x .h5 file.")
    Path input;

    /** The QC presets offered on the command line. */
    enum QcPreset {
        PERMISSIVE(QcThresholds.PERMISSIVE),
        SCIMILARITY_TRAINING(QcThresholds.SCIMILARITY_TRAINING);

        final QcThresholds thresholds;

        QcPreset(QcThresholds thresholds) {
            this.thresholds = thresholds;
        }
    }

    /**
     * The shared-gene minimum: the option, else the platform's {@code atlas.min-shared-genes}; capped at the
     * model's gene count, so a study measuring every gene of a small model is never refused.
     */
    int minSharedGenes(int modelGenes) {
        int wanted = minSharedGenes != null
                ? minSharedGenes
                : Integer.parseInt(
                        parent == null
                                ? org.liveatlas.infra.stack.StackKey.MIN_SHARED_GENES.defaultValue()
                                : parent.config().get(org.liveatlas.infra.stack.StackKey.MIN_SHARED_GENES));
        if (wanted < 0) {
            throw new IllegalArgumentException("--min-shared-genes must be at least 0, got " + wanted);
        }
        return Math.min(wanted, modelGenes);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        try {
            long t0 = System.nanoTime();
            ModelFolder folder = ModelFolder.load(model);
            int minShared = minSharedGenes(folder.geneOrder().size());
            PreprocessOptions options = PreprocessOptions.DEFAULT
                    .withChunkRows(batchSize)
                    .withQc(qc.thresholds)
                    .withAlign(PreprocessOptions.DEFAULT.align().withMinSharedGenes(minShared));
            StudyPreprocessor pre = new StudyPreprocessor(folder.geneOrder(), options);
            String study = input.getFileName().toString();
            EncoderOptions encoderOptions =
                    EncoderOptions.defaults().withDevice(device).withBatchSize(batchSize);
            long kept = 0;
            try (ScimilarityEncoder encoder = ScimilarityEncoder.open(folder, encoderOptions);
                    PreparedStudy prepared = pre.open(study, input);
                    NpyWriter npy = NpyWriter.create(out, encoder.latentDim());
                    Writer ids = cellsOut == null
                            ? Writer.nullWriter()
                            : Files.newBufferedWriter(cellsOut, StandardCharsets.UTF_8)) {
                AlignmentReport a = prepared.alignmentReport();
                stdout.printf(
                        Locale.ROOT,
                        "%s: %,d cells x %,d genes; %,d of the model's %,d genes found (%,d zero-filled, %,d study genes"
                                + " dropped, %,d duplicate symbols summed); model %s, latent %d, device %s%n",
                        study,
                        prepared.reader().cellCount(),
                        a.studyGenes(),
                        a.sharedGenes(),
                        a.modelGenes(),
                        a.missingGenes(),
                        a.droppedGenes(),
                        a.duplicateGenesSummed(),
                        model.getFileName(),
                        encoder.latentDim(),
                        encoder.device());
                Progress progress = new Progress(stderr, prepared.reader().cellCount());
                while (prepared.hasNext()) {
                    PreparedChunk chunk = prepared.next();
                    if (chunk.cells() > 0) {
                        float[] z = encoder.embed(chunk.expression());
                        npy.writeRows(z, chunk.cells());
                        for (String id : chunk.cellIds()) {
                            ids.write(id);
                            ids.write('\n');
                        }
                        kept += chunk.cells();
                    }
                    progress.update(prepared.qcReport().cellsRead());
                }
                progress.done();
                QcReport q = prepared.qcReport();
                double seconds = (System.nanoTime() - t0) / 1e9;
                stdout.printf(
                        Locale.ROOT,
                        "QC: %,d read, %,d kept, %,d dropped (too few counts %,d, too few genes %,d, too much"
                                + " mitochondrial %,d)%n",
                        q.cellsRead(),
                        q.cellsKept(),
                        q.cellsDropped(),
                        q.droppedTooFewCounts(),
                        q.droppedTooFewGenes(),
                        q.droppedTooMuchMito());
                stdout.printf(
                        Locale.ROOT,
                        "wrote %,d x %d embeddings to %s in %.1f s (%,.0f cells/s)%n",
                        kept,
                        encoder.latentDim(),
                        out,
                        seconds,
                        kept / Math.max(seconds, 1e-9));
            }
            return 0;
        } catch (AtlasException e) {
            Files.deleteIfExists(out);
            stderr.println("atlas embed: " + e.getMessage());
            return 2;
        }
    }

    /** A one-line progress bar on a terminal, a line per tenth otherwise. */
    private static final class Progress {
        private final PrintWriter err;
        private final long total;
        private final long t0 = System.nanoTime();
        private final boolean tty = System.console() != null;
        private int lastTenth = -1;

        Progress(PrintWriter err, long total) {
            this.err = err;
            this.total = Math.max(total, 1);
        }

        void update(long done) {
            double f = Math.min(1.0, done / (double) total);
            double rate = done / Math.max((System.nanoTime() - t0) / 1e9, 1e-9);
            if (tty) {
                int width = 30;
                int filled = (int) Math.round(f * width);
                err.printf(
                        Locale.ROOT,
                        "\r[%s%s] %,d/%,d cells %,.0f cells/s",
                        "#".repeat(filled),
                        " ".repeat(width - filled),
                        done,
                        total,
                        rate);
                err.flush();
            } else if ((int) (f * 10) > lastTenth) {
                lastTenth = (int) (f * 10);
                err.printf(Locale.ROOT, "embedded %,d/%,d cells (%.0f%%), %,.0f cells/s%n", done, total, f * 100, rate);
                err.flush();
            }
        }

        void done() {
            if (tty) {
                err.println();
            }
        }
    }
}
