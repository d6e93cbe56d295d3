package org.liveatlas.query.annotate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The per-cell results of an annotation with their embeddings, in upload order: held in memory for a
 * synchronous request, spooled to two files for a job, so a job's memory is bounded by its batch, not by
 * its upload (the JSON and CSV results stream from the spool; the cluster labels, known only at the end, are
 * applied as the cells are read back). Written once, then read any number of times.
 */
@JsonSerialize(using = AnnotatedCells.Serializer.class)
public abstract class AnnotatedCells implements Iterable<CellAnnotation>, AutoCloseable {
    private Map<String, String> clusterLabels = Map.of();

    /** Appends one cell's result and embedding. */
    abstract void add(CellAnnotation cell, float[] embedding);

    /** Cells written. */
    public abstract long size();

    /** The embeddings, in the order of the cells. */
    public abstract Iterable<float[]> embeddings();

    abstract Iterator<CellAnnotation> raw();

    /** Sets the consensus label of each cluster, applied to the cells as they are read. */
    void clusterLabels(Map<String, String> labels) {
        this.clusterLabels = Map.copyOf(labels);
    }

    /** The consensus label of each cluster. */
    Map<String, String> clusterLabels() {
        return clusterLabels;
    }

    /**
     * The files of a spooled result, complete (so a job's result can be archived).
     *
     * @param cells JSON lines, one cell each
     * @param embeddings float32 rows (big-endian), {@code dim} per cell
     */
    record SpoolFiles(Path cells, Path embeddings, long size, int dim) {}

    /** This result's spool files; only spooled results have them. */
    SpoolFiles spoolFiles() {
        throw new IllegalStateException("an in-memory annotation result has no spool");
    }

    @Override
    public Iterator<CellAnnotation> iterator() {
        Iterator<CellAnnotation> it = raw();
        Map<String, String> labels = clusterLabels;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public CellAnnotation next() {
                CellAnnotation c = it.next();
                return c.cluster() == null || !labels.containsKey(c.cluster())
                        ? c
                        : c.withCluster(c.cluster(), labels.get(c.cluster()));
            }
        };
    }

    /** Every cell in a list (the {@code .h5ad} result is assembled in memory). */
    public List<CellAnnotation> list() {
        List<CellAnnotation> out = new ArrayList<>();
        forEach(out::add);
        return out;
    }

    /** Deletes the spool, if any. */
    @Override
    public void close() {}

    /** Results held in memory. */
    static AnnotatedCells inMemory() {
        return new InMemory(new ArrayList<>(), new ArrayList<>());
    }

    /** Given results (tests, small answers). */
    public static AnnotatedCells of(List<CellAnnotation> cells, List<float[]> embeddings) {
        if (cells.size() != embeddings.size()) {
            throw new IllegalArgumentException(
                    "annotation: " + embeddings.size() + " embeddings for " + cells.size() + " cells");
        }
        return new InMemory(new ArrayList<>(cells), new ArrayList<>(embeddings));
    }

    /** Results spooled into two new files in {@code dir} (deleted by {@link #close()}). */
    static AnnotatedCells spooled(Path dir) {
        return new Spooled(dir);
    }

    /** A result read back from complete spool files (an archived job's; deleted by {@link #close()}). */
    static AnnotatedCells restored(SpoolFiles files, Map<String, String> clusterLabels) {
        AnnotatedCells cells = new Spooled(files);
        cells.clusterLabels(clusterLabels);
        return cells;
    }

    private static final class InMemory extends AnnotatedCells {
        private final List<CellAnnotation> cells;
        private final List<float[]> embeddings;

        InMemory(List<CellAnnotation> cells, List<float[]> embeddings) {
            this.cells = cells;
            this.embeddings = embeddings;
        }

        @Override
        void add(CellAnnotation cell, float[] embedding) {
            cells.add(cell);
            embeddings.add(embedding);
        }

        @Override
        public long size() {
            return cells.size();
        }

        @Override
        public Iterable<float[]> embeddings() {
            return embeddings;
        }

        @Override
        Iterator<CellAnnotation> raw() {
            return cells.iterator();
        }
    }

    /** JSON lines of the cells and float32 rows of the embeddings, each in its own file. */
    private static final class Spooled extends AnnotatedCells {
        private static final ObjectMapper LINES =
                new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

        private final Path cellsFile;
        private final Path embeddingsFile;
        private BufferedWriter cells;
        private DataOutputStream embeddings;
        private long size;
        private int dim = -1;

        Spooled(Path dir) {
            try {
                Files.createDirectories(dir);
                cellsFile = Files.createTempFile(dir, "annotation-", ".cells.jsonl");
                embeddingsFile = Files.createTempFile(dir, "annotation-", ".embeddings.f32");
                cells = Files.newBufferedWriter(cellsFile, StandardCharsets.UTF_8);
                embeddings =
                        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(embeddingsFile)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the annotation spool in " + dir, e);
            }
        }

        Spooled(SpoolFiles files) {
            cellsFile = files.cells();
            embeddingsFile = files.embeddings();
            size = files.size();
            dim = files.dim();
        }

        @Override
        SpoolFiles spoolFiles() {
            finish();
            return new SpoolFiles(cellsFile, embeddingsFile, size, dim);
        }

        @Override
        synchronized void add(CellAnnotation cell, float[] embedding) {
            if (cells == null) {
                throw new IllegalStateException("a finished annotation spool takes no more cells");
            }
            try {
                cells.write(LINES.writeValueAsString(cell));
                cells.write('\n');
                if (dim < 0) {
                    dim = embedding.length;
                }
                for (float x : embedding) {
                    embeddings.writeFloat(x);
                }
                size++;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the annotation spool", e);
            }
        }

        private synchronized void finish() {
            try {
                if (cells != null) {
                    cells.close();
                    embeddings.close();
                    cells = null;
                    embeddings = null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the annotation spool", e);
            }
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        Iterator<CellAnnotation> raw() {
            finish();
            BufferedReader in;
            try {
                in = Files.newBufferedReader(cellsFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the annotation spool", e);
            }
            return reading(
                    in::readLine,
                    line -> {
                        try {
                            return LINES.readValue(line, CellAnnotation.class);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    in);
        }

        @Override
        public Iterable<float[]> embeddings() {
            finish();
            return () -> {
                DataInputStream in;
                try {
                    in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(embeddingsFile)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the annotation spool", e);
                }
                long[] left = {size};
                return reading(
                        () -> {
                            if (left[0]-- <= 0) {
                                return null;
                            }
                            float[] v = new float[dim];
                            for (int i = 0; i < dim; i++) {
                                v[i] = in.readFloat();
                            }
                            return v;
                        },
                        v -> v,
                        in);
            };
        }

        @Override
        public void close() {
            finish();
            try {
                Files.deleteIfExists(cellsFile);
                Files.deleteIfExists(embeddingsFile);
            } catch (IOException e) {
                // a leftover spool is removed with the work folder
            }
        }
    }

    private interface Source<T> {
        T next() throws IOException;
    }

    /** An iterator over {@code source} until it answers null, closing {@code closeable} at the end. */
    private static <S, T> Iterator<T> reading(
            Source<S> source, java.util.function.Function<S, T> map, java.io.Closeable closeable) {
        return new Iterator<>() {
            private S next = advance();

            private S advance() {
                try {
                    S s = source.next();
                    if (s == null) {
                        closeable.close();
                    }
                    return s;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the annotation spool", e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public T next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                S s = next;
                next = advance();
                return map.apply(s);
            }
        };
    }

    /** Writes the cells as a JSON array, one at a time. */
    static final class Serializer extends JsonSerializer<AnnotatedCells> {
        @Override
        public void serialize(AnnotatedCells cells, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray();
            for (CellAnnotation c : cells) {
                provider.defaultSerializeValue(c, gen);
            }
            gen.writeEndArray();
        }
    }
}
