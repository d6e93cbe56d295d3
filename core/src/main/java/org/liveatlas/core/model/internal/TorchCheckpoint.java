package org.liveatlas.core.model.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.liveatlas.core.model.ModelFolderException;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;
import org.liveatlas.core.model.internal.Unpickler.Global;
import org.liveatlas.core.model.internal.Unpickler.Tuple;

/**
 * Reads a PyTorch checkpoint {@code {"state_dict": OrderedDict}} written by {@code torch.save} in
 * its zip format ({@code <name>/data.pkl}, {@code <name>/data/<key>}, optional {@code
 * <name>/byteorder}), in pure Java. Only float32 and int64 tensors are materialised.
 */
public final class TorchCheckpoint {

    private record StorageRef(String storageType, String key, long numel) {}

    private TorchCheckpoint() {}

    /** Reads the {@code state_dict} of the checkpoint at {@code file}. */
    public static StateDict readStateDict(Path file) {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw new ModelFolderException(file + ": file not found");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new ModelFolderException(file
                    + ": not a zip archive; only checkpoints in torch.save's zip format (PyTorch >= 1.6) are"
                    + " supported, re-save it with a current PyTorch");
        } catch (IOException e) {
            throw new ModelFolderException(file + ": cannot read: " + e.getMessage(), e);
        }
        try (zip) {
            String prefix = archivePrefix(zip, file);
            ByteOrder order = byteOrder(zip, prefix, file);
            String pklSource = name + ":" + prefix + "data.pkl";
            byte[] pkl = readEntry(zip, prefix + "data.pkl", file);
            Map<String, ByteBuffer> storages = new HashMap<>();
            Object root = Unpickler.load(
                    pkl,
                    pklSource,
                    pid -> persistentLoad(pid, pklSource),
                    (g, args) -> reduce(g, args, pklSource, zip, prefix, order, storages, file));
            return toStateDict(root, pklSource);
        } catch (IOException e) {
            throw new ModelFolderException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String archivePrefix(ZipFile zip, Path file) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String n = entries.nextElement().getName();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                return n.substring(0, n.length() - "data.pkl".length());
            }
        }
        throw new ModelFolderException(
                file + ": no <name>/data.pkl entry; is this a PyTorch checkpoint written by torch.save?");
    }

    private static ByteOrder byteOrder(ZipFile zip, String prefix, Path file) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN; // older writers omit it and were little-endian
        }
        String s = new String(readEntry(zip, prefix + "byteorder", file), StandardCharsets.US_ASCII).trim();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new ModelFolderException(file + ": unknown byteorder '" + s + "'");
        };
    }

    private static byte[] readEntry(ZipFile zip, String entry, Path file) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw new ModelFolderException(file + ": missing archive entry " + entry);
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static Object persistentLoad(Tuple pid, String source) {
        // ('storage', <storage class>, key, location, numel)
        if (pid.size() != 5 || !"storage".equals(pid.get(0)) || !(pid.get(1) instanceof Global type)) {
            throw Unpickler.error(source, "unexpected persistent id " + pid.items());
        }
        if (!(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel)) {
            throw Unpickler.error(source, "malformed storage reference " + pid.items());
        }
        return new StorageRef(type.name(), key, numel);
    }

    private static Object reduce(
            Global g,
            Tuple args,
            String source,
            ZipFile zip,
            String prefix,
            ByteOrder order,
            Map<String, ByteBuffer> storages,
            Path file) {
        String full = g.toString();
        switch (full) {
            case "collections.OrderedDict" -> {
                if (args.size() != 0) {
                    throw Unpickler.error(source, "OrderedDict with constructor arguments is not supported");
                }
                return new LinkedHashMap<Object, Object>();
            }
            case "torch._utils._rebuild_parameter" -> {
                // (data, requires_grad, backward_hooks): the tensor is what matters here.
                if (args.size() < 1 || !(args.get(0) instanceof Tensor t)) {
                    throw Unpickler.error(source, "malformed _rebuild_parameter arguments");
                }
                return t;
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                return rebuildTensor(args, source, zip, prefix, order, storages, file);
            }
            default -> throw Unpickler.error(source, "refuses to call " + full);
        }
    }

    private static Tensor rebuildTensor(
            Tuple args,
            String source,
            ZipFile zip,
            String prefix,
            ByteOrder order,
            Map<String, ByteBuffer> storages,
            Path file) {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.size() < 4
                || !(args.get(0) instanceof StorageRef ref)
                || !(args.get(1) instanceof Long offset)
                || !(args.get(2) instanceof Tuple size)
                || !(args.get(3) instanceof Tuple stride)
                || size.size() != stride.size()) {
            throw Unpickler.error(source, "malformed _rebuild_tensor_v2 arguments " + args.items());
        }
        int[] shape = ints(size, source);
        int[] strides = ints(stride, source);
        int elem =
                switch (ref.storageType()) {
                    case "FloatStorage" -> 4;
                    case "LongStorage" -> 8;
                    default -> throw Unpickler.error(
                            source,
                            "tensor stored as torch." + ref.storageType()
                                    + " is not supported; only float32 (FloatStorage) and int64 (LongStorage)"
                                    + " tensors are; convert the checkpoint with model.float()");
                };
        ByteBuffer storage = storages.computeIfAbsent(ref.key(), k -> {
            try {
                byte[] b = readEntry(zip, prefix + "data/" + k, file);
                if (b.length != ref.numel() * elem) {
                    throw Unpickler.error(
                            source,
                            "storage " + k + " holds " + b.length + " bytes, expected " + ref.numel() + " x " + elem);
                }
                return ByteBuffer.wrap(b).order(order);
            } catch (IOException e) {
                throw new ModelFolderException(file + ": cannot read storage " + k + ": " + e.getMessage(), e);
            }
        });
        long n = 1;
        long maxIndex = offset;
        for (int d = 0; d < shape.length; d++) {
            n *= shape[d];
            if (shape[d] > 0) {
                maxIndex += (long) (shape[d] - 1) * strides[d];
            }
        }
        if (n > Integer.MAX_VALUE || (n > 0 && (offset < 0 || maxIndex >= ref.numel()))) {
            throw Unpickler.error(
                    source,
                    "tensor of shape " + size.items() + " at offset " + offset + " does not fit storage " + ref.key()
                            + " of " + ref.numel() + " elements");
        }
        int count = (int) n;
        int[] index = gatherIndex(shape, strides, offset.intValue(), count);
        if (elem == 4) {
            float[] out = new float[count];
            if (index == null) {
                storage.duplicate()
                        .order(order)
                        .position(offset.intValue() * 4)
                        .asFloatBuffer()
                        .get(out);
            } else {
                for (int i = 0; i < count; i++) {
                    out[i] = storage.getFloat(index[i] * 4);
                }
            }
            return Tensor.ofFloats(shape, out);
        }
        long[] out = new long[count];
        if (index == null) {
            storage.duplicate()
                    .order(order)
                    .position(offset.intValue() * 8)
                    .asLongBuffer()
                    .get(out);
        } else {
            for (int i = 0; i < count; i++) {
                out[i] = storage.getLong(index[i] * 8);
            }
        }
        return Tensor.ofLongs(shape, out);
    }

    /** Storage positions of a strided tensor in row-major order, or null when it is contiguous. */
    private static int[] gatherIndex(int[] shape, int[] strides, int offset, int count) {
        boolean contiguous = true;
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                contiguous = false;
            }
            expected *= shape[d];
        }
        if (contiguous) {
            return null;
        }
        int[] index = new int[count];
        int[] pos = new int[shape.length];
        for (int i = 0; i < count; i++) {
            long at = offset;
            for (int d = 0; d < shape.length; d++) {
                at += (long) pos[d] * strides[d];
            }
            index[i] = (int) at;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++pos[d] < shape[d]) {
                    break;
                }
                pos[d] = 0;
            }
        }
        return index;
    }

    private static int[] ints(Tuple t, String source) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                throw Unpickler.error(source, "bad size or stride " + t.items());
            }
            out[i] = v.intValue();
        }
        return out;
    }

    private static StateDict toStateDict(Object root, String source) {
        if (!(root instanceof Map<?, ?> top) || !(top.get("state_dict") instanceof Map<?, ?> sd)) {
            throw Unpickler.error(
                    source,
                    "expected a dict with a 'state_dict' entry, as SCimilarity's save_state writes; got "
                            + (root instanceof Map<?, ?> m ? "keys " + m.keySet() : String.valueOf(root)));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        sd.forEach((k, v) -> {
            if (k instanceof String key && v instanceof Tensor t) {
                tensors.put(key, t);
            } else {
                bad.add(String.valueOf(k));
            }
        });
        if (!bad.isEmpty()) {
            throw Unpickler.error(source, "state_dict entries that are not tensors: " + bad);
        }
        return new StateDict(tensors);
    }
}
