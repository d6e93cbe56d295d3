package org.liveatlas.trainer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.train.EpochLog;
import org.liveatlas.trainer.train.MetricTrainer;
import org.liveatlas.trainer.train.TrainingConfig;
import org.liveatlas.trainer.train.TrainingListener;

/**
 * Training throughput (cells/s per epoch) of {@link MetricTrainer}, beside {@code
 * src/test/python/train_throughput_reference.py} on the same architecture, batch and input density.
 * A command-line benchmark, not a test:
 *
 * <pre>
 * ./mvnw -o -pl trainer -am test-compile -DskipTests
 * ./mvnw -o -q -pl trainer dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "core/target/classes:schemas/target/classes:$(cat trainer/target/cp.txt):trainer/target/classes:trainer/target/test-classes" \
 *     org.liveatlas.trainer.bench.TrainingThroughputBenchmark [genes] [hidden,hidden] [latent] [batch] [steps] [threads]
 * </pre>
 */
public final class TrainingThroughputBenchmark {

    private TrainingThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int genes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        List<Integer> hidden = Arrays.stream((args.length > 1 ? args[1] : "256,128").split(","))
                .map(Integer::parseInt)
                .toList();
        int latent = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        int cells = batch * 4;
        Random rng = new Random(0);
        int nnz = (int) (genes * 0.07);
        int[] indptr = new int[cells + 1];
        int[] indices = new int[cells * nnz];
        float[] values = new float[cells * nnz];
        for (int r = 0; r < cells; r++) {
            int[] cols = rng.ints(0, genes).distinct().limit(nnz).sorted().toArray();
            for (int j = 0; j < nnz; j++) {
                indices[r * nnz + j] = cols[j];
                values[r * nnz + j] = (float) Math.log1p(-3.0 * Math.log(1 - rng.nextDouble()));
            }
            indptr[r + 1] = (r + 1) * nnz;
        }
        int[] labels = IntStream.range(0, cells).map(i -> rng.nextInt(8)).toArray();
        int[] studies = IntStream.range(0, cells).map(i -> rng.nextInt(3)).toArray();
        List<String> names = new ArrayList<>();
        for (int l = 0; l < 8; l++) {
            names.add("type" + l);
        }
        LabelledCells data = new LabelledCells(
                IntStream.range(0, genes).mapToObj(g -> "G" + g).toList(),
                indptr,
                indices,
                values,
                labels,
                studies,
                IntStream.range(0, cells).mapToObj(i -> "c" + i).toList(),
                names,
                names,
                List.of("s0", "s1", "s2"));
        TrainingConfig config = TrainingConfig.scimilarity()
                .withArchitecture(hidden, latent)
                .withEpochs(3)
                .withBatches(batch, steps)
                .withThreads(threads);
        Path work = Files.createTempDirectory("train-bench");
        new MetricTrainer(config, CellOntology.none()).train(data, work, new TrainingListener() {
            @Override
            public void epochDone(EpochLog log) {
                System.out.printf(
                        "java/djl: genes %d hidden %s latent %d batch %d threads %d: epoch %d %.0f cells/s%n",
                        genes, hidden, latent, batch, threads, log.epoch(), log.cellsPerSecond());
            }
        });
    }
}
