package org.liveatlas.core.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.liveatlas.core.encoder.DeviceOption;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.FirstLayer;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.model.Architecture;
import org.liveatlas.core.model.ModelFolder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Embedding throughput of the full-size SCimilarity encoder (28,231 genes, hidden 1,024-1,024,
 * latent 128, random weights) on 4,096 realistic sparse cells (about 2,000 detected genes each).
 * The score is cells per second ({@code ops/s}, one op = one cell).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class EncoderThroughputBenchmark {

    static final int CELLS = 4096;
    static final Architecture FULL_SIZE = new Architecture(28_231, List.of(1024, 1024), 128);

    @Param({"SPARSE", "DENSE"})
    public FirstLayer firstLayer;

    @Param({"1", "2"})
    public int threads;

    @Param({"256", "1024", "4096"})
    public int batchSize;

    /** PyTorch intra-op threads; 0 = the same as {@link #threads}. */
    @Param({"0"})
    public int torchThreads;

    @Param({"2000"})
    public int detectedGenes;

    private CsrBatch cells;
    private ScimilarityEncoder encoder;

    @Setup(Level.Trial)
    public void setUp() {
        ModelFolder model = SyntheticEncoderInputs.randomModel(FULL_SIZE, 42);
        cells = SyntheticEncoderInputs.lognormCells(CELLS, FULL_SIZE.nGenes(), detectedGenes, 7);
        encoder = ScimilarityEncoder.open(
                model,
                EncoderOptions.defaults()
                        .withDevice(DeviceOption.CPU)
                        .withFirstLayer(firstLayer)
                        .withThreads(threads)
                        .withTorchThreads(torchThreads == 0 ? threads : torchThreads)
                        .withBatchSize(batchSize));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
    }

    @Benchmark
    @OperationsPerInvocation(CELLS)
    public float[] embed() {
        return encoder.embed(cells);
    }
}
