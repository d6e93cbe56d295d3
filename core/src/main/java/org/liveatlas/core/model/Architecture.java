package org.liveatlas.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a SCimilarity encoder/decoder pair: gene count, hidden layer widths (encoder order),
 * latent size. The decoder uses the hidden widths reversed, as SCimilarity's trainer does.
 *
 * @param nGenes input width, the length of the gene order
 * @param hidden hidden layer widths, first layer first
 * @param latent embedding width (128 for the published model)
 */
public record Architecture(int nGenes, List<Integer> hidden, int latent) {

    private static final Pattern LINEAR_WEIGHT = Pattern.compile("network\\.(\\d+)(?:\\.(\\d+))?\\.weight");

    public Architecture {
        Objects.requireNonNull(hidden, "hidden");
        hidden = List.copyOf(hidden);
        if (nGenes <= 0 || latent <= 0 || hidden.isEmpty() || hidden.stream().anyMatch(h -> h <= 0)) {
            throw new IllegalArgumentException("architecture needs nGenes > 0, latent > 0 and at least one positive"
                    + " hidden width; got " + nGenes + ", " + hidden + ", " + latent);
        }
    }

    /**
     * Infers the architecture from {@code layer_sizes.json} as SCimilarity's {@code CellEmbedding}
     * does: the weights of rank 2 are the Linear layers; the last gives the latent size, the others
     * the hidden widths. Layers are ordered by their numeric index (SCimilarity sorts the names as
     * strings, which agrees for fewer than ten layers).
     */
    public static Architecture fromLayerSizes(Map<String, List<Integer>> layerSizes, int nGenes, String source) {
        List<Map.Entry<String, List<Integer>>> linear = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : layerSizes.entrySet()) {
            if (e.getKey().contains("weight") && e.getValue().size() > 1) {
                if (!LINEAR_WEIGHT.matcher(e.getKey()).matches() || e.getValue().size() != 2) {
                    throw new ModelFolderException(source + ": unexpected weight " + e.getKey() + " " + e.getValue()
                            + "; expected SCimilarity's network.<i>.1.weight and network.<n>.weight");
                }
                linear.add(e);
            }
        }
        if (linear.size() < 2) {
            throw new ModelFolderException(
                    source + ": needs at least two Linear weights (hidden and latent), found " + linear.size());
        }
        linear.sort(Comparator.comparingInt(e -> layerIndex(e.getKey())));
        List<Integer> hidden = new ArrayList<>();
        for (int i = 0; i < linear.size() - 1; i++) {
            hidden.add(linear.get(i).getValue().get(0));
        }
        int latent = linear.get(linear.size() - 1).getValue().get(0);
        int inputs = linear.get(0).getValue().get(1);
        if (inputs != nGenes) {
            throw new ModelFolderException(source + ": the first layer "
                    + linear.get(0).getKey() + " takes " + inputs
                    + " genes but gene_order.tsv lists " + nGenes + "; the gene order and the weights do not belong"
                    + " to the same model");
        }
        return new Architecture(nGenes, hidden, latent);
    }

    private static int layerIndex(String key) {
        Matcher m = LINEAR_WEIGHT.matcher(key);
        if (!m.matches()) {
            throw new IllegalStateException(key);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Every encoder tensor name with its shape, in SCimilarity's state_dict order. */
    public Map<String, List<Integer>> encoderShapes() {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        int in = nGenes;
        for (int i = 0; i < hidden.size(); i++) {
            block(out, "network." + i + ".", 1, in, hidden.get(i));
            in = hidden.get(i);
        }
        out.put("network." + hidden.size() + ".weight", List.of(latent, in));
        out.put("network." + hidden.size() + ".bias", List.of(latent));
        return out;
    }

    /** Every decoder tensor name with its shape: the first block has no Dropout, so its indices shift. */
    public Map<String, List<Integer>> decoderShapes() {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        List<Integer> widths = decoderHidden();
        int in = latent;
        for (int i = 0; i < widths.size(); i++) {
            block(out, "network." + i + ".", i == 0 ? 0 : 1, in, widths.get(i));
            in = widths.get(i);
        }
        out.put("network." + widths.size() + ".weight", List.of(nGenes, in));
        out.put("network." + widths.size() + ".bias", List.of(nGenes));
        return out;
    }

    /** Hidden widths of the decoder: the encoder's reversed. */
    public List<Integer> decoderHidden() {
        List<Integer> r = new ArrayList<>(hidden);
        Collections.reverse(r);
        return List.copyOf(r);
    }

    private static void block(Map<String, List<Integer>> out, String p, int linearAt, int in, int width) {
        out.put(p + linearAt + ".weight", List.of(width, in));
        out.put(p + linearAt + ".bias", List.of(width));
        String bn = p + (linearAt + 1) + ".";
        out.put(bn + "weight", List.of(width));
        out.put(bn + "bias", List.of(width));
        out.put(bn + "running_mean", List.of(width));
        out.put(bn + "running_var", List.of(width));
        out.put(bn + "num_batches_tracked", List.of());
        out.put(p + (linearAt + 2) + ".weight", List.of(1));
    }

    /**
     * Checks that {@code dict} holds exactly the tensors of {@code expected} with those shapes.
     *
     * @throws ModelFolderException naming the first missing, extra or misshapen tensor
     */
    public static void check(StateDict dict, Map<String, List<Integer>> expected, String source) {
        Map<String, List<Integer>> actual = dict.shapes();
        for (Map.Entry<String, List<Integer>> e : expected.entrySet()) {
            List<Integer> have = actual.get(e.getKey());
            if (have == null) {
                throw new ModelFolderException(source + ": tensor " + e.getKey() + " is missing; expected shape "
                        + e.getValue() + " from layer_sizes.json and gene_order.tsv");
            }
            if (!have.equals(e.getValue())) {
                throw new ModelFolderException(source + ": tensor " + e.getKey() + " has shape " + have
                        + " but layer_sizes.json and gene_order.tsv imply " + e.getValue()
                        + "; the files do not belong to the same model");
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                throw new ModelFolderException(source + ": unexpected tensor " + k + " " + actual.get(k)
                        + "; not part of a SCimilarity network of " + expected.size() + " tensors");
            }
        }
    }
}
