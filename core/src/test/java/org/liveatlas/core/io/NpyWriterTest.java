package org.liveatlas.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {

    private static float[][] sample(int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = (r * 31 + c) / 7f - 3f;
            }
        }
        return m;
    }

    @Test
    void writesRowsStreamedOneByOneOrInBlocksAsOneCOrderFloat32Array(@TempDir Path tmp) {
        float[][] m = sample(5, 3);
        Path file = tmp.resolve("emb.npy");
        try (NpyWriter w = NpyWriter.create(file, 3)) {
            w.writeRow(m[0]);
            w.writeRows(new float[] {m[1][0], m[1][1], m[1][2], m[2][0], m[2][1], m[2][2]}, 2);
            w.writeRow(m[3]);
            w.writeRow(m[4]);
            assertThat(w.rows()).isEqualTo(5);
        }
        assertThat(StudyFixtures.npy(file)).isDeepEqualTo(m);
    }

    @Test
    void headerIsAlignedAndDescribesTheFinalShape(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("emb.npy");
        try (NpyWriter w = NpyWriter.create(file, 128)) {
            for (int i = 0; i < 1000; i++) {
                w.writeRow(new float[128]);
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        String header = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 128), }");
        assertThat(header).endsWith("\n");
        assertThat(bytes.length).isEqualTo(128 + 1000 * 128 * 4);
    }

    @Test
    void anEmptyWriterLeavesAZeroRowArray(@TempDir Path tmp) {
        Path file = tmp.resolve("none.npy");
        NpyWriter.create(file, 4).close();
        assertThat(StudyFixtures.npy(file)).isEmpty();
    }

    @Test
    void rejectsRowsOfTheWrongWidth(@TempDir Path tmp) {
        try (NpyWriter w = NpyWriter.create(tmp.resolve("x.npy"), 4)) {
            assertThatThrownBy(() -> w.writeRow(new float[3]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row has 3 values, expected 4");
        }
    }

    @Test
    void numpyLoadsWhatItWrites(@TempDir Path tmp) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 with numpy");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import numpy").start();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "numpy not installed");
        float[][] m = sample(7, 5);
        Path file = tmp.resolve("emb.npy");
        try (NpyWriter w = NpyWriter.create(file, 5)) {
            for (float[] row : m) {
                w.writeRow(row);
            }
        }
        String script = "import numpy as np, sys\n"
                + "a = np.load(sys.argv[1])\n"
                + "assert a.dtype == np.float32 and a.shape == (7, 5) and a.flags['C_CONTIGUOUS']\n"
                + "print(repr(float(a[6, 4])), repr(float(a.sum(dtype=np.float64))))\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        double sum = 0;
        for (float[] row : m) {
            for (float v : row) {
                sum += v;
            }
        }
        assertThat(out).isEqualTo((double) m[6][4] + " " + sum);
    }
}
