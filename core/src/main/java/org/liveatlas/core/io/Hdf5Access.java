package org.liveatlas.core.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;

/**
 * Reads through jhdf with every low-level failure turned into a {@link PoisonInputException} that
 * names the file and the object, and primitive arrays of any stored width widened to what the
 * readers need.
 */
final class Hdf5Access {
    private final Path file;
    private final HdfFile hdf;

    private Hdf5Access(Path file, HdfFile hdf) {
        this.file = file;
        this.hdf = hdf;
    }

    static Hdf5Access open(Path file) {
        try {
            return new Hdf5Access(file, new HdfFile(file));
        } catch (RuntimeException e) {
            throw new PoisonInputException(
                    "study file " + file + ": not a readable HDF5 file (" + describe(e)
                            + "); the file is truncated or corrupt, upload it again",
                    e);
        }
    }

    Path file() {
        return file;
    }

    HdfFile hdf() {
        return hdf;
    }

    void close() {
        hdf.close();
    }

    /** Runs a jhdf call, naming {@code what} (an object path) when it fails. */
    <T> T guard(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AtlasException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PoisonInputException(
                    "study file " + file + ": cannot read " + what + " (" + describe(e)
                            + "); the file is truncated or corrupt",
                    e);
        }
    }

    Optional<Node> node(String path) {
        return guard(path, () -> {
            Node at = hdf;
            for (String part : path.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                if (!(at instanceof Group g) || !g.getChildren().containsKey(part)) {
                    return Optional.<Node>empty();
                }
                at = g.getChild(part);
            }
            return Optional.of(at);
        });
    }

    Node require(String path, String purpose) {
        return node(path)
                .orElseThrow(() ->
                        new PoisonInputException("study file " + file + ": " + path + " is missing (" + purpose + ")"));
    }

    Dataset requireDataset(String path, String purpose) {
        Node n = require(path, purpose);
        if (!(n instanceof Dataset ds)) {
            throw new PoisonInputException("study file " + file + ": " + path + " is not a dataset (" + purpose + ")");
        }
        return ds;
    }

    Optional<Object> attribute(Node node, String name) {
        return guard(node.getPath() + " attribute " + name, () -> {
            Attribute a = node.getAttribute(name);
            return a == null ? Optional.empty() : Optional.ofNullable(a.getData());
        });
    }

    Optional<String> stringAttribute(Node node, String name) {
        return attribute(node, name).map(v -> v instanceof String s ? s : String.valueOf(v));
    }

    long length(Dataset ds) {
        return guard(ds.getPath(), () -> {
            long[] dims = ds.getDimensionsAsLong();
            return dims.length == 0 ? 0L : dims[0];
        });
    }

    /** The whole dataset, flattened. Only for small datasets (index columns, indptr). */
    Object readAll(Dataset ds) {
        return guard(ds.getPath(), () -> length(ds) == 0 ? null : ds.getDataFlat());
    }

    /** Elements {@code [offset, offset + count)} of a one-dimensional dataset. */
    Object readSlice(Dataset ds, long offset, int count) {
        return guard(
                ds.getPath() + "[" + offset + ":" + (offset + count) + "]",
                () -> ds.getData(new long[] {offset}, new int[] {count}));
    }

    /** Rows {@code [row, row + rows)} of a two-dimensional dataset. */
    Object readRows(Dataset ds, long row, int rows, int cols) {
        return guard(
                ds.getPath() + "[" + row + ":" + (row + rows) + ", :]",
                () -> ds.getData(new long[] {row, 0}, new int[] {rows, cols}));
    }

    static double[] toDoubles(Object a) {
        if (a == null) {
            return new double[0];
        }
        if (a instanceof double[] d) {
            return d;
        }
        int n = Array.getLength(a);
        double[] out = new double[n];
        if (a instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else if (a instanceof int[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof long[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof short[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof byte[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof BigInteger[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i].doubleValue();
            }
        } else {
            throw new IllegalArgumentException(
                    "not a numeric array: " + a.getClass().getSimpleName());
        }
        return out;
    }

    static long[] toLongs(Object a) {
        if (a == null) {
            return new long[0];
        }
        if (a instanceof long[] l) {
            return l;
        }
        int n = Array.getLength(a);
        long[] out = new long[n];
        if (a instanceof int[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof short[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof byte[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof BigInteger[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i].longValueExact();
            }
        } else {
            throw new IllegalArgumentException(
                    "not an integer array: " + a.getClass().getSimpleName());
        }
        return out;
    }

    /**
     * Any one-dimensional array as strings: strings as they are, numbers in Java's decimal form, NaN
     * as the empty string (missing).
     */
    static String[] toStrings(Object a) {
        if (a == null) {
            return new String[0];
        }
        if (a instanceof String[] s) {
            return s;
        }
        int n = Array.getLength(a);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            Object v = Array.get(a, i);
            // pandas marks a missing float as NaN: report it as missing, like a null code.
            boolean missing = v == null || v instanceof Double d && d.isNaN() || v instanceof Float f && f.isNaN();
            out[i] = missing ? "" : String.valueOf(v);
        }
        return out;
    }

    private static String describe(RuntimeException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
