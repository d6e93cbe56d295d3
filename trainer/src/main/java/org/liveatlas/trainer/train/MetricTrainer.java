package org.liveatlas.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.CosineTracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.encoder.PyTorchRuntime;
import org.liveatlas.core.encoder.ScimilarityNetwork;
import org.liveatlas.core.model.Architecture;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.trainer.data.BatchSampler;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.loss.LossParts;
import org.liveatlas.trainer.loss.MetricLoss;
import org.liveatlas.trainer.mining.TripletMiner;
import org.liveatlas.trainer.mining.Triplets;

/**
 * SCimilarity's metric learning ({@code MetricLearning.training_step}) on DJL's PyTorch engine: the
 * core's encoder and mirrored decoder, triplets mined per batch on the detached embeddings, loss
 * {@code w * triplet + (1 - w) * MSE + l1 * lr * |output Linear|} (the layer SCimilarity's L1 loop
 * reaches, {@link MetricLoss#l1ParameterNames}), AdamW, a per-epoch cosine schedule
 * ({@code CosineAnnealingLR} with {@code T_max} = epochs), batches from {@link BatchSampler}.
 *
 * <p>A step whose total loss is exactly 0 is skipped (no update). Every epoch ends with a checkpoint
 * in the working directory (weights, BatchNorm statistics, AdamW moments, the epoch log); a run
 * started again with the same working directory, configuration and data resumes after the last
 * checkpointed epoch and ends with the same weights as an uninterrupted run. Randomness (weights,
 * dropout, batches, negatives) follows from the seed and the epoch. Not thread-safe.
 */
public final class MetricTrainer {

    static final String CHECKPOINT_STATE = "checkpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainingConfig config;
    private final CellOntology ontology;
    private final GenePanels panels;

    public MetricTrainer(TrainingConfig config, CellOntology ontology) {
        this(config, ontology, GenePanels.random());
    }

    /**
     * @param panels the gene panels of {@link TrainingConfig#genePanelShare} (deposited studies' gene
     *     lists and random expression-ranked panels)
     */
    public MetricTrainer(TrainingConfig config, CellOntology ontology, GenePanels panels) {
        this.config = Objects.requireNonNull(config, "config");
        this.ontology = Objects.requireNonNull(ontology, "ontology");
        this.panels = Objects.requireNonNull(panels, "panels");
    }

    public TrainingConfig config() {
        return config;
    }

    /** The trained model and its epoch logs. */
    public record Result(ModelFolder model, List<EpochLog> history) {
        public Result {
            history = List.copyOf(history);
        }
    }

    /** Trains without validation. */
    public Result train(LabelledCells cells, Path workDir, TrainingListener listener) {
        return train(cells, workDir, listener, null);
    }

    /**
     * Trains on {@code cells}.
     *
     * @param workDir where checkpoints go (created); an existing checkpoint of the same run resumes
     * @param validator called after each epoch with the current model (may be null): metrics for the log
     */
    public Result train(
            LabelledCells cells,
            Path workDir,
            TrainingListener listener,
            Function<ModelFolder, Map<String, Double>> validator) {
        return train(cells, workDir, listener, validator, 1);
    }

    /**
     * Trains on {@code cells}, validating after every {@code validateEvery}-th epoch and after the last.
     *
     * @param workDir where checkpoints go (created); an existing checkpoint of the same run resumes
     * @param validator called with the current model (may be null): metrics for the epoch's log
     * @param validateEvery validate after epochs {@code validateEvery - 1}, {@code 2 * validateEvery - 1},
     *     ... and the last (>= 1)
     */
    public Result train(
            LabelledCells cells,
            Path workDir,
            TrainingListener listener,
            Function<ModelFolder, Map<String, Double>> validator,
            int validateEvery) {
        if (validateEvery < 1) {
            throw new IllegalArgumentException("validateEvery must be >= 1, got " + validateEvery);
        }
        Engine engine = PyTorchRuntime.engine();
        JniUtils.setNumThreads(config.threads());
        Architecture arch = new Architecture(cells.genes().size(), config.hidden(), config.latent());
        int n = cells.cells();
        int batchSize = Math.min(config.batchSize(), n);
        int batches = config.batchesPerEpoch() > 0 ? config.batchesPerEpoch() : (n + batchSize - 1) / batchSize;
        int[] labels = cells.labels();
        int[] studies = cells.studies();
        boolean[][] related = TripletMiner.relatedLabels(cells.labelTerms(), ontology);
        TripletMiner miner =
                new TripletMiner(config.margin(), config.negativeSelection(), config.crossStudyPositives());
        MetricLoss loss = config.loss();
        BatchSampler sampler = new BatchSampler(labels, studies, config.seed());
        CosineTracker schedule = CosineTracker.builder()
                .setBaseValue((float) config.learningRate())
                .optFinalValue(0f)
                .setMaxUpdates(config.epochs())
                .build();
        String fingerprint = fingerprint(cells);
        GenePanels.Sampler panelSampler = config.genePanelShare() > 0
                ? panels.sampler(cells.genes(), cells.expression(), PANEL_MIN_SHARED)
                : null;
        if (panelSampler != null) {
            listener.note("gene panels: " + Math.round(100 * config.genePanelShare())
                    + "% of each batch re-expressed over one panel per batch; study panels "
                    + (panelSampler.studyPanels().isEmpty() ? "none" : panelSampler.studyPanels())
                    + " half the time, else random expression-ranked panels");
        }

        try (NDManager manager = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
            engine.setRandomSeed((int) config.seed());
            ScimilarityNetwork encoder = ScimilarityNetwork.encoder(arch);
            ScimilarityNetwork decoder = ScimilarityNetwork.decoder(arch);
            encoder.initialize(manager);
            decoder.initialize(manager);
            List<Parameter> all = new ArrayList<>(encoder.parameters().values());
            all.addAll(decoder.parameters().values());
            List<NDArray> trainable = new ArrayList<>();
            for (Parameter p : all) {
                if (p.requiresGradient()) {
                    p.getArray().setRequiresGradient(true);
                    trainable.add(p.getArray());
                }
            }
            List<NDArray> l1Parameters = MetricLoss.l1Parameters(encoder);
            AdamW adam = new AdamW(trainable, config.weightDecay());
            List<EpochLog> history = new ArrayList<>();
            int start = restore(workDir, fingerprint, all, adam, history);
            if (start > 0) {
                listener.resumed(start);
            }
            ParameterStore ps = new ParameterStore(manager, false);
            for (int epoch = start; epoch < config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double lr = schedule.getNewValue(epoch);
                engine.setRandomSeed((int) (config.seed() * 31 + epoch + 1));
                Random rng = new Random(config.seed() * 7919L + epoch);
                // a stream of its own, so that masking leaves the batches and negatives of a run unchanged
                Random maskRng = new Random(config.seed() * 104_729L + epoch);
                int[][] plan = sampler.epoch(epoch, batchSize, batches);
                double sumLoss = 0;
                double sumTrip = 0;
                double sumMse = 0;
                double sumL1 = 0;
                double sumTriplets = 0;
                double sumNonZero = 0;
                double sumViable = 0;
                double sumHard = 0;
                int skipped = 0;
                int nonFinite = 0;
                for (int b = 0; b < plan.length; b++) {
                    // PyTorch's intra-op thread count is global to the JVM: an encoder opened meanwhile (the
                    // per-epoch validation, another component) may have changed it, and a different count
                    // changes the float summation order, which Adam amplifies; keep every step on the run's own
                    JniUtils.setNumThreads(config.threads());
                    int[] rows = plan[b];
                    int[] bl = new int[rows.length];
                    int[] bs = new int[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        bl[i] = labels[rows[i]];
                        bs[i] = studies[rows[i]];
                    }
                    try (NDManager step = manager.newSubManager()) {
                        float[] dense = cells.dense(rows);
                        NDArray x = step.create(FloatBuffer.wrap(dense), new Shape(rows.length, arch.nGenes()));
                        float[] in = dense;
                        if (panelSampler != null) {
                            in = GenePanels.apply(
                                    in, rows.length, panelSampler.draw(maskRng), config.genePanelShare(), maskRng);
                        }
                        if (config.geneMask() > 0) {
                            in = mask(in, config.geneMask(), maskRng);
                        }
                        NDArray input = in == dense
                                ? x
                                : step.create(FloatBuffer.wrap(in), new Shape(rows.length, arch.nGenes()));
                        LossParts parts;
                        Triplets triplets;
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            NDArray z = encoder.block()
                                    .forward(ps, new NDList(input), true)
                                    .singletonOrThrow();
                            NDArray xHat = decoder.block()
                                    .forward(ps, new NDList(z), true)
                                    .singletonOrThrow();
                            float[] zf = z.toFloatArray();
                            triplets = miner.mine(
                                    TripletMiner.squaredDistances(zf, rows.length, arch.latent()),
                                    bl,
                                    bs,
                                    related,
                                    rng);
                            parts = loss.compute(x, z, xHat, triplets, l1Parameters, lr);
                            float total = parts.total().getFloat();
                            if (total == 0f) {
                                skipped++;
                            } else if (Float.isFinite(total)) {
                                gc.backward(parts.total());
                            }
                        }
                        float total = parts.total().getFloat();
                        if (total != 0f && Float.isFinite(total) && adam.gradientsFinite()) {
                            adam.step(lr);
                            sumLoss += total;
                            sumTrip += parts.triplet().getFloat();
                            sumMse += parts.mse().getFloat();
                            sumL1 += parts.l1().getFloat();
                        } else if (total != 0f) {
                            // a non-finite loss or gradient would poison every weight: drop this step
                            adam.zeroGradients();
                            nonFinite++;
                        }
                        sumTriplets += triplets.size();
                        sumNonZero += parts.nonZeroTriplets();
                        sumViable += triplets.viable();
                        sumHard += triplets.hard();
                    }
                    listener.batchDone(epoch, b + 1, plan.length);
                }
                if (nonFinite == plan.length) {
                    throw new AtlasException("training diverged at epoch " + epoch + ": every batch gave a"
                            + " non-finite loss or gradient; lower the learning rate (now " + config.learningRate()
                            + ")");
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                boolean validate =
                        validator != null && ((epoch + 1) % validateEvery == 0 || epoch == config.epochs() - 1);
                Map<String, Double> validation =
                        validate ? validator.apply(snapshot(cells, encoder, decoder)) : Map.of();
                int k = Math.max(1, plan.length - nonFinite);
                EpochLog log = new EpochLog(
                        epoch,
                        lr,
                        sumLoss / k,
                        sumTrip / k,
                        sumMse / k,
                        sumL1 / k,
                        sumTriplets / k,
                        sumNonZero / k,
                        sumViable / k,
                        sumHard / k,
                        skipped + nonFinite,
                        (long) k * batchSize,
                        seconds,
                        validation);
                history.add(log);
                checkpoint(workDir, fingerprint, epoch, all, adam, history);
                listener.epochDone(log);
            }
            return new Result(snapshot(cells, encoder, decoder), history);
        }
    }

    /** A study panel sharing fewer genes with the order is not used (the core's alignment would refuse it). */
    static final int PANEL_MIN_SHARED = 100;

    /** A copy of {@code dense} with each entry zeroed with probability {@code fraction}. */
    static float[] mask(float[] dense, double fraction, Random rng) {
        float[] out = dense.clone();
        for (int i = 0; i < out.length; i++) {
            if (rng.nextDouble() < fraction) {
                out[i] = 0f;
            }
        }
        return out;
    }

    private static ModelFolder snapshot(LabelledCells cells, ScimilarityNetwork encoder, ScimilarityNetwork decoder) {
        Map<Integer, String> labelInts = new LinkedHashMap<>();
        for (int i = 0; i < cells.labelNames().size(); i++) {
            labelInts.put(i, cells.labelNames().get(i));
        }
        return ModelFolder.of(cells.genes(), encoder.toStateDict(), decoder.toStateDict(), labelInts, null);
    }

    private String fingerprint(LabelledCells cells) {
        return config.asManifestParameters() + "|" + cells.genes().hashCode() + "|"
                + cells.cellIds().hashCode() + "|" + java.util.Arrays.hashCode(cells.labels()) + "|"
                + panels.studyPanels().hashCode();
    }

    private static void checkpoint(
            Path dir, String fingerprint, int epoch, List<Parameter> params, AdamW adam, List<EpochLog> history) {
        try {
            Files.createDirectories(dir);
            NDList list = new NDList();
            for (Parameter p : params) {
                list.add(p.getArray());
            }
            list.addAll(adam.firstMoments());
            list.addAll(adam.secondMoments());
            // weights go to a file of their own epoch; the state that names it moves in last, and only
            // then are older weight files deleted: a crash at any point leaves a consistent pair
            String weightsName = "checkpoint-" + epoch + ".ndlist";
            Path tmp = dir.resolve(weightsName + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                list.encode(out);
            }
            Files.move(
                    tmp, dir.resolve(weightsName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("fingerprint", fingerprint);
            state.put("epoch", epoch);
            state.put("weights", weightsName);
            state.put("adam_steps", adam.steps());
            state.put("history", history);
            Path stmp = dir.resolve(CHECKPOINT_STATE + ".tmp");
            JSON.writeValue(stmp.toFile(), state);
            Files.move(
                    stmp,
                    dir.resolve(CHECKPOINT_STATE),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.startsWith("checkpoint-") && name.endsWith(".ndlist") && !name.equals(weightsName)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new AtlasException(
                    dir + ": cannot write the training checkpoint: " + e.getMessage()
                            + "; check free space and permissions of the trainer's working directory",
                    e);
        }
    }

    /** Loads the checkpoint of the same run, if any; returns the next epoch to train. */
    private static int restore(
            Path dir, String fingerprint, List<Parameter> params, AdamW adam, List<EpochLog> history) {
        Path state = dir.resolve(CHECKPOINT_STATE);
        if (!Files.isRegularFile(state)) {
            return 0;
        }
        try {
            Map<?, ?> s = JSON.readValue(state.toFile(), Map.class);
            if (!fingerprint.equals(s.get("fingerprint"))) {
                return 0; // another run's checkpoint: start afresh (it is overwritten after epoch 0)
            }
            Path weights = dir.resolve(String.valueOf(s.get("weights")));
            NDList list;
            try (InputStream in = Files.newInputStream(weights);
                    NDManager tmp = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
                list = NDList.decode(tmp, in);
                int p = params.size();
                int t = adam.firstMoments().size();
                if (list.size() != p + 2 * t) {
                    return 0;
                }
                for (int i = 0; i < p; i++) {
                    params.get(i).getArray().set(list.get(i).toFloatArray());
                }
                List<float[]> m = new ArrayList<>();
                List<float[]> v = new ArrayList<>();
                for (int i = 0; i < t; i++) {
                    m.add(list.get(p + i).toFloatArray());
                    v.add(list.get(p + t + i).toFloatArray());
                }
                adam.restore(((Number) s.get("adam_steps")).longValue(), m, v);
            }
            for (Object o : (List<?>) s.get("history")) {
                history.add(JSON.convertValue(o, EpochLog.class));
            }
            return ((Number) s.get("epoch")).intValue() + 1;
        } catch (IOException e) {
            throw new AtlasException(
                    dir + ": cannot read the training checkpoint: " + e.getMessage() + "; delete " + state
                            + " to start the run afresh",
                    e);
        }
    }
}
