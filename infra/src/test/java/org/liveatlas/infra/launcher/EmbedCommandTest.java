package org.liveatlas.infra.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.RandomModels;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.core.synth.TenxWriter;

/** {@code atlas embed} end to end on synthetic studies: same numbers as the core, any input format. */
class EmbedCommandTest {
    @TempDir
    static Path dir;

    private static SyntheticStudy study;
    private static Path model;
    private static Path h5ad;
    private static Path tenx;

    @BeforeAll
    static void studyAndModel() {
        study = new SyntheticStudyGenerator(SynthConfig.defaults(11, 1, 150, 600)).study(0);
        h5ad = dir.resolve("study.h5ad");
        H5adWriter.write(h5ad, study);
        tenx = dir.resolve("study-10x");
        TenxWriter.write(tenx, study);
        // the model knows 500 of the study's genes plus 20 it lacks, in its own order
        List<String> genes = new ArrayList<>(study.genes().symbols().subList(0, 500));
        for (int i = 0; i < 20; i++) {
            genes.add("MODELONLY" + i);
        }
        Collections.shuffle(genes, new Random(3));
        model = dir.resolve("model");
        RandomModels.folder(genes, List.of(64, 32), 16, 5)
                .save(model, Manifest.imported("random-1", "random weights", Instant.parse("2026-11-25T00:00:00Z")));
    }

    @Test
    void writesTheCoresEmbeddingsAndCellIdsForH5adAndTenxInputs() throws Exception {
        float[] expected = embedDirectly(h5ad);
        for (Path input : List.of(h5ad, tenx)) {
            Path out = dir.resolve(input.getFileName() + ".npy");
            Path cells = dir.resolve(input.getFileName() + ".cells.txt");
            Run r = atlas(
                    "embed",
                    "--model",
                    model.toString(),
                    "--out",
                    out.toString(),
                    "--cells-out",
                    cells.toString(),
                    "--min-shared-genes",
                    "100",
                    "--batch-size",
                    "64",
                    input.toString());
            assertThat(r.code).as(r.text).isZero();
            assertThat(r.text).contains("500 of the model's 520 genes found", "wrote 150 x 16 embeddings");
            float[] got = readNpy(out, 150, 16);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("value %d of %s", i, input.getFileName()).isCloseTo(expected[i], within(1e-6f));
            }
            for (int row = 0; row < 150; row++) {
                double norm = 0;
                for (int j = 0; j < 16; j++) {
                    norm += got[row * 16 + j] * got[row * 16 + j];
                }
                assertThat(norm).isCloseTo(1.0, within(1e-5));
            }
            assertThat(Files.readAllLines(cells, StandardCharsets.UTF_8)).isEqualTo(study.cellIds());
        }
    }

    @Test
    void aStudyWithTooFewSharedGenesExitsNonZeroWithTheReasonAndLeavesNoOutput() {
        Path out = dir.resolve("rejected.npy");
        Run r = atlas(
                "embed",
                "--model",
                model.toString(),
                "--out",
                out.toString(),
                "--min-shared-genes",
                "510",
                h5ad.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.text).contains("only 500 of the model's 520 genes found", "need 510", "gene symbols");
        assertThat(out).doesNotExist();
    }

    @Test
    void withoutTheOptionThePlatformMinimumAppliesCappedAtTheModelsGenes() {
        // a model over 500 of the study's genes: the platform's minimum (1,000) exceeds what the model has,
        // so the study, which has every one of them, is embedded instead of refused
        Path small = dir.resolve("model-500");
        RandomModels.folder(study.genes().symbols().subList(0, 500), List.of(32), 8, 5)
                .save(small, Manifest.imported("random-500", "random weights", Instant.parse("2026-11-25T00:00:00Z")));
        Path out = dir.resolve("capped.npy");
        Run r = atlas("embed", "--model", small.toString(), "--out", out.toString(), h5ad.toString());
        assertThat(r.code).as(r.text).isZero();
        assertThat(r.text).contains("500 of the model's 500 genes found", "wrote 150 x 8 embeddings");

        // the platform's setting is read (-D after the subcommand), and still capped at the model
        Run strict = atlas(
                "embed",
                "-D",
                "atlas.min-shared-genes=510",
                "--model",
                model.toString(),
                "--out",
                dir.resolve("strict.npy").toString(),
                h5ad.toString());
        assertThat(strict.code).isEqualTo(2);
        assertThat(strict.text).contains("only 500 of the model's 520 genes found", "need 510");
    }

    @Test
    void aMissingInputIsNamed() {
        Run r = atlas(
                "embed",
                "--model",
                model.toString(),
                "--out",
                dir.resolve("x.npy").toString(),
                dir.resolve("nope.h5ad").toString());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.text).contains("nope.h5ad does not exist");
    }

    @Test
    void embedsTheRealLabelledDatasetsWhenTheyArePresent() throws Exception {
        Path data = sharedData();
        org.junit.jupiter.api.Assumptions.assumeTrue(data != null, "../shared/data is not beside this checkout");
        // a random model over pbmc14k_sorted's genes; kang_muscat shares 1,129 of them
        List<String> genes;
        try (var reader = org.liveatlas.core.io.StudyReaders.open(data.resolve("pbmc14k_sorted/pbmc14k_sorted.h5ad"))) {
            genes = reader.geneSymbols();
        }
        Path realModel = dir.resolve("model-pbmc14k");
        RandomModels.folder(genes, List.of(64, 32), 16, 9)
                .save(
                        realModel,
                        Manifest.imported("random-2", "random weights", Instant.parse("2026-11-25T00:00:00Z")));
        for (String input :
                List.of("kang_muscat/kang_muscat.h5ad", "kang_muscat", "pbmc14k_sorted/pbmc14k_sorted.h5ad")) {
            Path out = dir.resolve(input.replace('/', '_') + ".npy");
            Run r = atlas(
                    "embed",
                    "--model",
                    realModel.toString(),
                    "--out",
                    out.toString(),
                    "--min-shared-genes",
                    "1000",
                    data.resolve(input).toString());
            assertThat(r.code).as(r.text).isZero();
            int cells = input.startsWith("kang") ? 1556 : 3500;
            assertThat(r.text).contains(String.format("wrote %,d x 16 embeddings", cells));
            readNpy(out, cells, 16);
        }
    }

    @Test
    void everyCommittedStudyFixtureLayoutEmbedsToTheSameNumbers() throws Exception {
        // the core's golden study fixtures: one 40 x 33 count matrix in every supported layout
        Path fixtures =
                Path.of("../core/src/test/resources/studies").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(fixtures), "the core module's fixtures are beside this module in the repository");
        List<String> genes = Files.readAllLines(fixtures.resolve("expected/model_genes.txt"), StandardCharsets.UTF_8);
        Path fixtureModel = dir.resolve("model-fixtures");
        RandomModels.folder(genes, List.of(16, 8), 4, 21)
                .save(
                        fixtureModel,
                        Manifest.imported("random-3", "random weights", Instant.parse("2026-11-25T00:00:00Z")));
        float[] first = null;
        for (String layout : List.of(
                "csr_float32.h5ad",
                "csc_float64.h5ad",
                "dense_int32.h5ad",
                "layers_counts.h5ad",
                "raw_x.h5ad",
                "csr_int64.h5ad",
                "tenx_v3",
                "tenx_v2",
                "filtered_feature_bc_matrix.h5")) {
            Path out = dir.resolve("fixture-" + layout + ".npy");
            Run r = atlas(
                    "embed",
                    "--model",
                    fixtureModel.toString(),
                    "--out",
                    out.toString(),
                    "--min-shared-genes",
                    "5",
                    fixtures.resolve(layout).toString());
            assertThat(r.code).as(layout + ": " + r.text).isZero();
            float[] got = readNpy(out, 40, 4);
            if (first == null) {
                first = got;
            } else {
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as("%s value %d", layout, i).isCloseTo(first[i], within(1e-6f));
                }
            }
        }
    }

    private static Path sharedData() {
        String prop = System.getProperty("liveatlas.shared.dir");
        if (prop != null) {
            return Path.of(prop).resolve("data");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("shared/data/README.md"))) {
                return p.resolve("shared/data");
            }
        }
        return null;
    }

    private static float[] embedDirectly(Path input) {
        ModelFolder folder = ModelFolder.load(model);
        StudyPreprocessor pre = new StudyPreprocessor(
                folder.geneOrder(),
                PreprocessOptions.DEFAULT.withAlign(
                        PreprocessOptions.DEFAULT.align().withMinSharedGenes(100)));
        List<float[]> parts = new ArrayList<>();
        int rows = 0;
        try (ScimilarityEncoder enc = ScimilarityEncoder.open(folder, EncoderOptions.defaults());
                PreparedStudy prepared = pre.open("direct", input)) {
            while (prepared.hasNext()) {
                PreparedChunk c = prepared.next();
                parts.add(enc.embed(c.expression()));
                rows += c.cells();
            }
        }
        float[] all = new float[rows * 16];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Reads a float32 C-order .npy of the expected shape (the header is checked, not trusted). */
    private static float[] readNpy(Path file, int rows, int cols) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        assertThat(header).contains("'descr': '<f4'", "'fortran_order': False", "(" + rows + ", " + cols + ")");
        ByteBuffer b = ByteBuffer.wrap(bytes, 10 + headerLen, bytes.length - 10 - headerLen)
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[rows * cols];
        b.asFloatBuffer().get(out);
        return out;
    }

    record Run(int code, String text) {}

    private static Run atlas(String... args) {
        StringWriter out = new StringWriter();
        int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(out, true), args);
        return new Run(code, out.toString());
    }
}
