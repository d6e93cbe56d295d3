package org.liveatlas.trainer.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;

/**
 * Writes {@code torch.save({"state_dict": OrderedDict(name -> tensor)}, file)} in PyTorch's zip
 * serialisation (format version 3, as torch 1.6 and later write it): {@code <stem>/data.pkl} (a
 * protocol-2 pickle whose tensors are {@code torch._utils._rebuild_tensor_v2} calls on persistent
 * storage ids), one {@code <stem>/data/<i>} record of little-endian raw values per tensor, and
 * {@code <stem>/version}. Entries are stored uncompressed. float32 tensors become {@code
 * FloatStorage}, int64 ones {@code LongStorage}; every tensor is contiguous with its own storage.
 *
 * <p>The pickle carries no {@code _metadata} attribute on the OrderedDict: {@code load_state_dict}
 * then treats every module as its current version, which for BatchNorm (the only versioned module
 * here) only matters when {@code num_batches_tracked} is missing, and it is always written.
 */
public final class TorchCheckpointWriter {

    private TorchCheckpointWriter() {}

    /** Writes {@code state} to {@code file} as a torch checkpoint with one key, {@code state_dict}. */
    public static void write(Path file, StateDict state) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        if (stem.isEmpty()) {
            stem = "archive";
        }
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.setMethod(ZipOutputStream.STORED);
            stored(zip, stem + "/data.pkl", pickle(state));
            int i = 0;
            for (Tensor t : state.tensors().values()) {
                stored(zip, stem + "/data/" + i++, raw(t));
            }
            stored(zip, stem + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(0L); // reproducible files
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] raw(Tensor t) {
        if (t.dtype() == Tensor.DType.I64) {
            var longs = t.longs();
            ByteBuffer b = ByteBuffer.allocate(longs.remaining() * 8).order(ByteOrder.LITTLE_ENDIAN);
            while (longs.hasRemaining()) {
                b.putLong(longs.get());
            }
            return b.array();
        }
        var floats = t.floats();
        ByteBuffer b = ByteBuffer.allocate(floats.remaining() * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (floats.hasRemaining()) {
            b.putFloat(floats.get());
        }
        return b.array();
    }

    /** The protocol-2 pickle of {@code {"state_dict": OrderedDict(...)}} with persistent storage ids. */
    static byte[] pickle(StateDict state) {
        Pickle p = new Pickle();
        p.op(0x80).op(2); // PROTO 2
        p.op('}'); // EMPTY_DICT
        p.string("state_dict");
        p.global("collections", "OrderedDict").op(')').op('R'); // OrderedDict()
        p.op('(');
        int key = 0;
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            Tensor t = e.getValue();
            int[] shape = t.shape();
            p.string(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            // persistent id: ("storage", storage type, key, location, numel)
            p.op('(');
            p.string("storage");
            p.global("torch", t.dtype() == Tensor.DType.I64 ? "LongStorage" : "FloatStorage");
            p.string(String.valueOf(key++));
            p.string("cpu");
            p.integer(t.size());
            p.op('t').op('Q'); // TUPLE, BINPERSID
            p.integer(0); // storage offset
            p.ints(shape);
            int[] stride = new int[shape.length];
            int s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = s;
                s *= shape[d];
            }
            p.ints(stride);
            p.op(0x89); // NEWFALSE: requires_grad
            p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            p.op('t').op('R'); // TUPLE, REDUCE
        }
        p.op('u'); // SETITEMS
        p.op('s'); // SETITEM into the outer dict
        p.op('.'); // STOP
        return p.bytes();
    }

    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int b) {
            out.write(b);
            return this;
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            int32(b.length);
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle integer(int v) {
            op('J'); // BININT: 4-byte signed little-endian
            int32(v);
            return this;
        }

        Pickle ints(int[] values) {
            op('(');
            for (int v : values) {
                integer(v);
            }
            return op('t');
        }

        private void int32(int v) {
            out.write(v & 0xff);
            out.write((v >>> 8) & 0xff);
            out.write((v >>> 16) & 0xff);
            out.write((v >>> 24) & 0xff);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
