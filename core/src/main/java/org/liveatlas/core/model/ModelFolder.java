package org.liveatlas.core.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.liveatlas.core.model.internal.SafeTensors;
import org.liveatlas.core.model.internal.TorchCheckpoint;

/**
 * A model on disk: the gene order, the encoder (and, when present, decoder) weights, the label
 * table and, for our registry format, the manifest. Immutable once loaded.
 *
 * <p>Two layouts are read (see the module README): our registry format ({@code manifest.json},
 * {@code encoder.safetensors}, optional {@code decoder.safetensors}, {@code gene_order.tsv}, {@code
 * layer_sizes.json}, optional {@code label_ints.csv}) and a published SCimilarity folder ({@code
 * encoder.ckpt}, optional {@code decoder.ckpt}, {@code gene_order.tsv}, {@code layer_sizes.json},
 * optional {@code label_ints.csv}). Only the registry format is written. Every file is checked
 * against the others: the gene count against the first layer, every tensor shape against {@code
 * layer_sizes.json}.
 */
public final class ModelFolder {

    /** The layout a folder was read from. */
    public enum Format {
        REGISTRY,
        SCIMILARITY
    }

    public static final String MANIFEST = "manifest.json";
    public static final String ENCODER_SAFETENSORS = "encoder.safetensors";
    public static final String DECODER_SAFETENSORS = "decoder.safetensors";
    public static final String ENCODER_CKPT = "encoder.ckpt";
    public static final String DECODER_CKPT = "decoder.ckpt";
    public static final String GENE_ORDER = "gene_order.tsv";
    public static final String LAYER_SIZES = "layer_sizes.json";
    public static final String LABEL_INTS = "label_ints.csv";

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Format format;
    private final List<String> geneOrder;
    private final Architecture architecture;
    private final StateDict encoder;
    private final StateDict decoder;
    private final SortedMap<Integer, String> labels;
    private final Manifest manifest;

    private ModelFolder(
            Format format,
            List<String> geneOrder,
            StateDict encoder,
            StateDict decoder,
            Map<Integer, String> labels,
            Manifest manifest,
            Architecture architecture) {
        this.format = format;
        this.geneOrder = List.copyOf(geneOrder);
        this.architecture = architecture;
        this.encoder = encoder;
        this.decoder = decoder;
        this.labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        this.manifest = manifest;
    }

    /**
     * A model built in memory (by the trainer), checked like a loaded one.
     *
     * @param decoder may be null when only the encoder is kept
     * @param manifest may be null until the folder is saved
     */
    public static ModelFolder of(
            List<String> geneOrder,
            StateDict encoder,
            StateDict decoder,
            Map<Integer, String> labels,
            Manifest manifest) {
        checkGenes(geneOrder, "gene order");
        Architecture arch = Architecture.fromLayerSizes(encoder.shapes(), geneOrder.size(), "encoder");
        Architecture.check(encoder, arch.encoderShapes(), "encoder");
        if (decoder != null) {
            Architecture.check(decoder, arch.decoderShapes(), "decoder");
        }
        return new ModelFolder(Format.REGISTRY, geneOrder, encoder, decoder, labels, manifest, arch);
    }

    /** Loads {@code dir} in whichever layout it has: registry when it holds a manifest, else SCimilarity. */
    public static ModelFolder load(Path dir) {
        requireDir(dir);
        if (Files.exists(dir.resolve(MANIFEST))) {
            return loadRegistry(dir);
        }
        if (Files.exists(dir.resolve(ENCODER_CKPT))) {
            return importScimilarity(dir);
        }
        throw new ModelFolderException(dir + ": neither " + MANIFEST + " (registry model) nor " + ENCODER_CKPT
                + " (published SCimilarity model) found; is this a model folder?");
    }

    /** Reads a published SCimilarity model folder (PyTorch checkpoints), in pure Java. */
    public static ModelFolder importScimilarity(Path dir) {
        requireDir(dir);
        List<String> genes = readGeneOrder(require(dir, GENE_ORDER));
        Architecture arch = readLayerSizes(require(dir, LAYER_SIZES), genes.size());
        StateDict enc = TorchCheckpoint.readStateDict(require(dir, ENCODER_CKPT));
        Architecture.check(enc, arch.encoderShapes(), dir.resolve(ENCODER_CKPT).toString());
        StateDict dec = null;
        if (Files.exists(dir.resolve(DECODER_CKPT))) {
            dec = TorchCheckpoint.readStateDict(dir.resolve(DECODER_CKPT));
            Architecture.check(
                    dec, arch.decoderShapes(), dir.resolve(DECODER_CKPT).toString());
        }
        Map<Integer, String> labels = readLabels(dir.resolve(LABEL_INTS));
        return new ModelFolder(Format.SCIMILARITY, genes, enc, dec, labels, null, arch);
    }

    /** Reads a folder in our registry format. */
    public static ModelFolder loadRegistry(Path dir) {
        requireDir(dir);
        Manifest manifest = readManifest(require(dir, MANIFEST));
        List<String> genes = readGeneOrder(require(dir, GENE_ORDER));
        Architecture arch = readLayerSizes(require(dir, LAYER_SIZES), genes.size());
        StateDict enc = SafeTensors.read(require(dir, ENCODER_SAFETENSORS));
        Architecture.check(
                enc, arch.encoderShapes(), dir.resolve(ENCODER_SAFETENSORS).toString());
        StateDict dec = null;
        if (Files.exists(dir.resolve(DECODER_SAFETENSORS))) {
            dec = SafeTensors.read(dir.resolve(DECODER_SAFETENSORS));
            Architecture.check(
                    dec, arch.decoderShapes(), dir.resolve(DECODER_SAFETENSORS).toString());
        }
        Map<Integer, String> labels = readLabels(dir.resolve(LABEL_INTS));
        return new ModelFolder(Format.REGISTRY, genes, enc, dec, labels, manifest, arch);
    }

    /**
     * Writes this model in the registry format into {@code dir} (created if needed) with {@code
     * manifest}. The manifest is written last, so a folder without one is incomplete and {@link
     * #load} does not mistake it for a model.
     */
    public void save(Path dir, Manifest manifest) {
        Objects.requireNonNull(manifest, "manifest");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(MANIFEST));
            Map<String, String> meta = Map.of("format", "liveatlas-scimilarity", "version", manifest.version());
            SafeTensors.write(dir.resolve(ENCODER_SAFETENSORS), encoder, meta);
            if (decoder != null) {
                SafeTensors.write(dir.resolve(DECODER_SAFETENSORS), decoder, meta);
            } else {
                Files.deleteIfExists(dir.resolve(DECODER_SAFETENSORS));
            }
            Files.writeString(dir.resolve(GENE_ORDER), String.join("\n", geneOrder), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(LAYER_SIZES), JSON.writeValueAsString(encoder.shapes()));
            if (!labels.isEmpty()) {
                Files.writeString(dir.resolve(LABEL_INTS), labelsCsv(labels), StandardCharsets.UTF_8);
            } else {
                Files.deleteIfExists(dir.resolve(LABEL_INTS));
            }
            Files.write(
                    dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new ModelFolderException(dir + ": cannot write model folder: " + e.getMessage(), e);
        }
    }

    public Format format() {
        return format;
    }

    /** Genes in the order the encoder expects them (the columns of its input). */
    public List<String> geneOrder() {
        return geneOrder;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Encoder tensors in SCimilarity's state_dict naming. */
    public StateDict encoder() {
        return encoder;
    }

    /** Decoder tensors, when the folder has them. */
    public Optional<StateDict> decoder() {
        return Optional.ofNullable(decoder);
    }

    /** {@code label_ints.csv}: SCimilarity's integer code of each training label; empty when absent. */
    public SortedMap<Integer, String> labels() {
        return labels;
    }

    /** The manifest of a registry folder; empty for an imported SCimilarity folder. */
    public Optional<Manifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    private static void requireDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFolderException(dir + ": model folder not found (or not a directory)");
        }
    }

    private static Path require(Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new ModelFolderException(
                    dir + ": " + name + " is missing; a model folder needs it (see core/README.md, Model folders)");
        }
        return p;
    }

    static List<String> readGeneOrder(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFolderException(file + ": cannot read: " + e.getMessage(), e);
        }
        // As SCimilarity: one gene per line, surrounding whitespace stripped, no trailing empty line.
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        List<String> genes = new ArrayList<>(lines.size());
        for (String l : lines) {
            genes.add(l.strip());
        }
        checkGenes(genes, file.toString());
        return genes;
    }

    private static void checkGenes(List<String> genes, String source) {
        if (genes.isEmpty()) {
            throw new ModelFolderException(source + ": no genes listed");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < genes.size(); i++) {
            String g = genes.get(i);
            if (g.isEmpty()) {
                throw new ModelFolderException(source + ": line " + (i + 1) + " is blank; one gene symbol per line");
            }
            Integer prev = seen.putIfAbsent(g, i);
            if (prev != null) {
                throw new ModelFolderException(source + ": gene " + g + " appears on lines " + (prev + 1) + " and "
                        + (i + 1) + "; the gene order must list each gene once");
            }
        }
    }

    private static Architecture readLayerSizes(Path file, int nGenes) {
        Map<String, List<Integer>> sizes;
        try {
            sizes = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, List<Integer>>>() {});
        } catch (IOException e) {
            throw new ModelFolderException(
                    file + ": not a JSON object of tensor name to shape list: " + e.getMessage(), e);
        }
        Architecture arch = Architecture.fromLayerSizes(sizes, nGenes, file.toString());
        Map<String, List<Integer>> expected = arch.encoderShapes();
        if (!expected.equals(sizes)) {
            throw new ModelFolderException(
                    file + ": lists " + sizes + " but a SCimilarity encoder of " + arch + " has " + expected);
        }
        return arch;
    }

    private static Manifest readManifest(Path file) {
        try {
            return JSON.readValue(file.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new ModelFolderException(file + ": invalid manifest: " + e.getMessage(), e);
        }
    }

    static Map<Integer, String> readLabels(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFolderException(file + ": cannot read: " + e.getMessage(), e);
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        // pandas Series.to_csv: a header ("","0"), then index,value per line.
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> cells = csvCells(lines.get(i), file, i + 1);
            if (cells.size() != 2) {
                throw new ModelFolderException(
                        file + ": line " + (i + 1) + " has " + cells.size() + " fields; expected label_int,label");
            }
            int key;
            try {
                key = (int) Double.parseDouble(cells.get(0));
            } catch (NumberFormatException e) {
                throw new ModelFolderException(
                        file + ": line " + (i + 1) + ": label int '" + cells.get(0) + "' is not a number");
            }
            out.put(key, cells.get(1));
        }
        return out;
    }

    private static List<String> csvCells(String line, Path file, int lineNo) {
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new ModelFolderException(file + ": line " + lineNo + " has an unterminated quote");
        }
        cells.add(cur.toString());
        return cells;
    }

    private static String labelsCsv(Map<Integer, String> labels) {
        StringBuilder sb = new StringBuilder("\"\",\"0\"\n");
        labels.forEach((k, v) ->
                sb.append(k).append(",\"").append(v.replace("\"", "\"\"")).append("\"\n"));
        return sb.toString();
    }
}
