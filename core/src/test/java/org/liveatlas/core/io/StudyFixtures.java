package org.liveatlas.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The golden study fixtures written by {@code core/src/test/python/make_study_fixtures.py}, a
 * minimal {@code .npy} reader for their expected values, and the shared real data when present.
 */
public final class StudyFixtures {
    private StudyFixtures() {}

    /** A file or folder under {@code src/test/resources/studies}. */
    public static Path study(String name) {
        URL url = StudyFixtures.class.getResource("/studies/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture studies/" + name + "; run make_study_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> lines(String name) {
        try {
            return Files.readAllLines(study(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> modelGenes() {
        return lines("expected/model_genes.txt");
    }

    public static List<String> studyGenes() {
        return lines("expected/study_genes.txt");
    }

    /** A two-dimensional little-endian float32 C-order {@code .npy} file. */
    public static float[][] npy(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[6];
            b.get(magic);
            int major = b.get();
            b.get();
            int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
            byte[] header = new byte[headerLen];
            b.get(header);
            String h = new String(header, StandardCharsets.US_ASCII);
            if (!h.contains("'<f4'") || !h.contains("'fortran_order': False")) {
                throw new IllegalArgumentException(file + ": not a C-order float32 array: " + h);
            }
            Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(h);
            if (!m.find()) {
                throw new IllegalArgumentException(file + ": not two-dimensional: " + h);
            }
            int rows = Integer.parseInt(m.group(1));
            int cols = Integer.parseInt(m.group(2));
            float[][] out = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    out[r][c] = b.getFloat();
                }
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(file + ": " + b.remaining() + " bytes after the data");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[][] expected(String name) {
        return npy(study("expected/" + name));
    }

    /**
     * The shared real data folder ({@code shared/data}), found from system property
     * {@code liveatlas.shared.dir} or by walking up from the working directory.
     */
    public static Optional<Path> sharedData() {
        String prop = System.getProperty("liveatlas.shared.dir");
        if (prop != null) {
            Path p = Path.of(prop).resolve("data");
            return Files.isRegularFile(p.resolve("README.md")) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared/data");
            if (Files.isRegularFile(p.resolve("README.md"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
