package org.liveatlas.core.io;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.EnumDataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.liveatlas.core.PoisonInputException;

/**
 * An AnnData dataframe ({@code obs}, {@code var}, {@code raw/var}) in any of the encodings anndata
 * has written: the current group with {@code _index}, {@code column-order} and categoricals as
 * {@code categories}/{@code codes} groups (anndata 0.8+); the 0.7 group where a categorical is an
 * integer code dataset whose {@code categories} attribute references {@code __categories/<column>};
 * and the pre-0.7 compound dataset whose categorical codes take their categories from
 * {@code uns/<column>_categories}.
 */
final class H5DataFrame {
    private static final String INDEX_FIELD = "index";

    private final Hdf5Access h5;
    private final String path;
    private final Group group; // current and 0.7 encodings
    private final Map<String, Object> records; // pre-0.7 compound encoding
    private final List<String> index;
    private final List<String> columns;

    private H5DataFrame(Hdf5Access h5, String path, Group group, Map<String, Object> records) {
        this.h5 = h5;
        this.path = path;
        this.group = group;
        this.records = records;
        if (group != null) {
            String indexName = h5.stringAttribute(group, "_index").orElse("_index");
            Dataset idx = h5.requireDataset(path + "/" + indexName, "the " + path + " index");
            this.index = List.of(Hdf5Access.toStrings(h5.readAll(idx)));
            this.columns = groupColumns(indexName);
        } else {
            Object idx = records.get(INDEX_FIELD);
            if (idx == null) {
                throw new PoisonInputException(
                        "study file " + h5.file() + ": " + path + " has no 'index' field (old compound dataframe)");
            }
            this.index = List.of(Hdf5Access.toStrings(idx));
            List<String> cols = new ArrayList<>(records.keySet());
            cols.remove(INDEX_FIELD);
            this.columns = List.copyOf(cols);
        }
    }

    @SuppressWarnings("unchecked")
    static H5DataFrame read(Hdf5Access h5, String path) {
        Node node = h5.require(path, "the " + path + " dataframe");
        if (node instanceof Group g) {
            return new H5DataFrame(h5, path, g, null);
        }
        Dataset ds = (Dataset) node;
        Object data = h5.guard(path, ds::getData);
        if (!(data instanceof Map<?, ?> m)) {
            throw new PoisonInputException(
                    "study file " + h5.file() + ": " + path + " is neither a dataframe group nor a compound dataset");
        }
        return new H5DataFrame(h5, path, null, (Map<String, Object>) m);
    }

    List<String> index() {
        return index;
    }

    List<String> columnNames() {
        return columns;
    }

    List<String> column(String name) {
        if (!columns.contains(name)) {
            throw new IllegalArgumentException(path + " has no column '" + name + "'; columns: " + columns);
        }
        String[] values = group != null ? groupColumn(name) : recordColumn(name);
        if (values.length != index.size()) {
            throw new PoisonInputException("study file " + h5.file() + ": " + path + " column '" + name + "' has "
                    + values.length + " values for " + index.size() + " rows");
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    private List<String> groupColumns(String indexName) {
        Set<String> cols = new LinkedHashSet<>();
        h5.attribute(group, "column-order").ifPresent(order -> {
            if (order instanceof String[] names) {
                cols.addAll(Arrays.asList(names));
            } else if (order instanceof String single) {
                cols.add(single);
            }
        });
        for (String child : h5.guard(path, () -> group.getChildren().keySet())) {
            if (!child.equals(indexName) && !child.startsWith("__")) {
                cols.add(child);
            }
        }
        return List.copyOf(cols);
    }

    private String[] groupColumn(String name) {
        String at = path + "/" + name;
        Node node = h5.require(at, "column '" + name + "'");
        if (node instanceof Group g) {
            String encoding = h5.stringAttribute(g, "encoding-type").orElse("");
            if (encoding.equals("categorical")) {
                String[] categories = Hdf5Access.toStrings(
                        h5.readAll(h5.requireDataset(at + "/categories", "categories of " + name)));
                long[] codes = Hdf5Access.toLongs(h5.readAll(h5.requireDataset(at + "/codes", "codes of " + name)));
                return decode(name, categories, codes);
            }
            if (encoding.startsWith("nullable")) {
                String[] values =
                        Hdf5Access.toStrings(h5.readAll(h5.requireDataset(at + "/values", "values of " + name)));
                Optional<Node> mask = h5.node(at + "/mask");
                if (mask.isPresent() && mask.get() instanceof Dataset m) {
                    String[] masked = Hdf5Access.toStrings(h5.readAll(m));
                    for (int i = 0; i < values.length && i < masked.length; i++) {
                        if (masked[i].equalsIgnoreCase("true") || masked[i].equals("1")) {
                            values[i] = "";
                        }
                    }
                }
                return values;
            }
            throw new IllegalArgumentException(at + " has unsupported encoding '" + encoding + "'");
        }
        Dataset ds = (Dataset) node;
        Object data = h5.readAll(ds);
        Optional<Object> categoriesRef = h5.attribute(ds, "categories");
        if (categoriesRef.isPresent()) {
            // anndata 0.7: codes here, categories behind an object reference (stored under __categories).
            Dataset categories = resolveCategories(name, categoriesRef.get());
            return decode(name, Hdf5Access.toStrings(h5.readAll(categories)), Hdf5Access.toLongs(data));
        }
        String[] values = Hdf5Access.toStrings(data);
        if (h5.guard(at, ds::getDataType) instanceof EnumDataType e
                && Set.copyOf(e.getEnumMapping().values()).equals(Set.of("FALSE", "TRUE"))) {
            // h5py stores numpy bools as an enum {FALSE, TRUE}; write them as Python prints them.
            for (int i = 0; i < values.length; i++) {
                values[i] = values[i].equals("TRUE") ? "True" : values[i].equals("FALSE") ? "False" : values[i];
            }
        }
        return values;
    }

    private Dataset resolveCategories(String name, Object ref) {
        long address = -1;
        if (ref instanceof long[] a && a.length == 1) {
            address = a[0];
        } else if (ref instanceof Long l) {
            address = l;
        }
        if (address >= 0) {
            long addr = address;
            Optional<Node> target = h5.guard(path + "/" + name + " categories reference", () -> {
                try {
                    return Optional.of(h5.hdf().getNodeByAddress(addr));
                } catch (RuntimeException e) {
                    return Optional.<Node>empty();
                }
            });
            if (target.isPresent() && target.get() instanceof Dataset ds) {
                return ds;
            }
        }
        return h5.requireDataset(path + "/__categories/" + name, "categories of " + name);
    }

    private String[] recordColumn(String name) {
        Object data = records.get(name);
        Optional<Node> categories = h5.node("uns/" + name + "_categories");
        if (categories.isPresent() && categories.get() instanceof Dataset ds) {
            return decode(name, Hdf5Access.toStrings(h5.readAll(ds)), Hdf5Access.toLongs(data));
        }
        return Hdf5Access.toStrings(data);
    }

    private String[] decode(String name, String[] categories, long[] codes) {
        String[] out = new String[codes.length];
        for (int i = 0; i < codes.length; i++) {
            long c = codes[i];
            if (c == -1) {
                out[i] = ""; // pandas' code for a missing value
            } else if (c < 0 || c >= categories.length) {
                throw new PoisonInputException("study file " + h5.file() + ": " + path + " column '" + name
                        + "' has category code " + c + " at row " + i + " but only " + categories.length
                        + " categories");
            } else {
                out[i] = categories[(int) c];
            }
        }
        return out;
    }
}
