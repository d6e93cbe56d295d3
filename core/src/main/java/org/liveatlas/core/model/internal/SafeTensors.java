package org.liveatlas.core.model.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.model.ModelFolderException;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;

/**
 * Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length, a
 * JSON header {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}},
 * then the raw little-endian row-major data. Chosen for our registry because it is simple, has no
 * code in it, and both Java and Python (the {@code safetensors} package) read and write it.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {}

    /** Writes {@code dict} to {@code file} (replacing it), tensors in the dict's order. */
    public static void write(Path file, StateDict dict, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.size() * (t.dtype() == Tensor.DType.F32 ? 4 : 8);
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("dtype", t.dtype().name());
            h.put("shape", t.shape());
            h.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), h);
            offset += bytes;
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] json = JSON.writeValueAsBytes(header);
            int padded = (json.length + 7) / 8 * 8; // the format allows trailing spaces; aligns the data
            ByteBuffer len =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : dict.tensors().values()) {
                if (t.dtype() == Tensor.DType.F32) {
                    var src = t.floats();
                    while (src.hasRemaining()) {
                        chunk.clear();
                        int n = Math.min(src.remaining(), chunk.capacity() / 4);
                        for (int i = 0; i < n; i++) {
                            chunk.putFloat(src.get());
                        }
                        out.write(chunk.array(), 0, chunk.position());
                    }
                } else {
                    var src = t.longs();
                    while (src.hasRemaining()) {
                        chunk.clear();
                        int n = Math.min(src.remaining(), chunk.capacity() / 8);
                        for (int i = 0; i < n; i++) {
                            chunk.putLong(src.get());
                        }
                        out.write(chunk.array(), 0, chunk.position());
                    }
                }
            }
        } catch (IOException e) {
            throw new ModelFolderException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Reads every tensor of {@code file}; F32 and I64 only. */
    public static StateDict read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFolderException(file + ": file not found");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new ModelFolderException(file + ": header length " + headerLen + " is impossible for a " + size
                        + "-byte file;" + " not a safetensors file?");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, file);
            Map<String, Map<String, Object>> header =
                    JSON.readValue(new String(headerBuf.array(), StandardCharsets.UTF_8), new TypeReference<>() {});
            long dataStart = 8 + headerLen;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            List<Map.Entry<String, Map<String, Object>>> entries = new ArrayList<>(header.entrySet());
            for (Map.Entry<String, Map<String, Object>> e : entries) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(e.getKey(), readTensor(ch, e.getKey(), e.getValue(), dataStart, size, file));
            }
            return new StateDict(tensors);
        } catch (IOException e) {
            throw new ModelFolderException(file + ": cannot read safetensors: " + e.getMessage(), e);
        }
    }

    private static Tensor readTensor(
            FileChannel ch, String name, Map<String, Object> h, long dataStart, long fileSize, Path file)
            throws IOException {
        Object dtype = h.get("dtype");
        if (!(h.get("shape") instanceof List<?> shapeList) || !(h.get("data_offsets") instanceof List<?> offs)) {
            throw new ModelFolderException(file + ": tensor " + name + " lacks shape or data_offsets");
        }
        int[] shape = shapeList.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        long begin = ((Number) offs.get(0)).longValue();
        long end = ((Number) offs.get(1)).longValue();
        int elem =
                switch (String.valueOf(dtype)) {
                    case "F32" -> 4;
                    case "I64" -> 8;
                    default -> throw new ModelFolderException(
                            file + ": tensor " + name + " has dtype " + dtype + "; only F32 and I64 are supported");
                };
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        if (end - begin != count * elem || begin < 0 || dataStart + end > fileSize) {
            throw new ModelFolderException(file + ": tensor " + name + " of shape " + shapeList + " has data_offsets "
                    + offs + " that do not match its size or the file");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, dataStart + begin, file);
        if (elem == 4) {
            float[] out = new float[(int) count];
            buf.asFloatBuffer().get(out);
            return Tensor.ofFloats(shape, out);
        }
        long[] out = new long[(int) count];
        buf.asLongBuffer().get(out);
        return Tensor.ofLongs(shape, out);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ModelFolderException(file + ": truncated (ends at byte " + pos + ")");
            }
            pos += n;
        }
        buf.position(0);
    }
}
