package org.liveatlas.trainer.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Annotation quality of held-out cells: accuracy and macro-F1 on cells whose true label exists in the
 * reference ("known"), per-type recall, and "unknown" rates of known and novel cells.
 *
 * <p>Accuracy and F1 use the voted label before any unknown threshold (as the data README's
 * baseline, which has no unknown call). Macro-F1 averages F1 over the known true labels; a predicted
 * label that is no true label adds false positives only. Unknown rates count cells whose {@code
 * min_dist} exceeds the threshold.
 *
 * @param known cells whose true label is in the reference
 * @param novel cells whose true label is not
 * @param accuracy fraction of known cells voted their true label
 * @param macroF1 mean per-label F1 over the known labels
 * @param recall per known label, the fraction of its cells voted that label
 * @param unknownRateKnown fraction of known cells called unknown at the threshold
 * @param unknownRateNovel fraction of novel cells called unknown (NaN without novel cells)
 * @param novelRecall per novel label, the fraction called unknown
 */
public record ClassificationReport(
        int known,
        int novel,
        double accuracy,
        double macroF1,
        Map<String, Double> recall,
        double unknownRateKnown,
        double unknownRateNovel,
        Map<String, Double> novelRecall) {

    public ClassificationReport {
        recall = Collections.unmodifiableMap(new TreeMap<>(recall));
        novelRecall = Collections.unmodifiableMap(new TreeMap<>(novelRecall));
    }

    /**
     * @param truth true label of each query cell
     * @param predicted voted label of each query cell
     * @param minDist min_dist of each query cell (NaN entries count as unknown)
     * @param referenceLabels labels present in the reference
     * @param threshold the unknown threshold on min_dist (cosine distance); NaN: nobody is unknown
     */
    public static ClassificationReport of(
            List<String> truth,
            List<String> predicted,
            double[] minDist,
            Set<String> referenceLabels,
            double threshold) {
        int n = truth.size();
        Map<String, int[]> tally = new LinkedHashMap<>(); // label -> tp, fp, fn
        Map<String, int[]> novelTally = new TreeMap<>(); // label -> unknown, total
        int known = 0;
        int correct = 0;
        int knownUnknown = 0;
        int novel = 0;
        int novelUnknown = 0;
        Set<String> knownLabels = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (referenceLabels.contains(truth.get(i))) {
                knownLabels.add(truth.get(i));
            }
        }
        for (String l : knownLabels) {
            tally.put(l, new int[3]);
        }
        for (int i = 0; i < n; i++) {
            String t = truth.get(i);
            String p = predicted.get(i);
            boolean unknown = !Double.isNaN(threshold) && (Double.isNaN(minDist[i]) || minDist[i] > threshold);
            if (knownLabels.contains(t)) {
                known++;
                if (unknown) {
                    knownUnknown++;
                }
                if (t.equals(p)) {
                    correct++;
                    tally.get(t)[0]++;
                } else {
                    tally.get(t)[2]++;
                    if (tally.containsKey(p)) {
                        tally.get(p)[1]++;
                    }
                }
            } else {
                novel++;
                if (unknown) {
                    novelUnknown++;
                }
                int[] nt = novelTally.computeIfAbsent(t, x -> new int[2]);
                nt[0] += unknown ? 1 : 0;
                nt[1]++;
                if (tally.containsKey(p)) {
                    tally.get(p)[1]++;
                }
            }
        }
        Map<String, Double> recall = new LinkedHashMap<>();
        double f1Sum = 0;
        for (Map.Entry<String, int[]> e : tally.entrySet()) {
            int tp = e.getValue()[0];
            int fp = e.getValue()[1];
            int fn = e.getValue()[2];
            recall.put(e.getKey(), tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn));
            f1Sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        Map<String, Double> novelRecall = new LinkedHashMap<>();
        novelTally.forEach((k, v) -> novelRecall.put(k, (double) v[0] / v[1]));
        return new ClassificationReport(
                known,
                novel,
                known == 0 ? Double.NaN : (double) correct / known,
                tally.isEmpty() ? Double.NaN : f1Sum / tally.size(),
                recall,
                known == 0 ? Double.NaN : (double) knownUnknown / known,
                novel == 0 ? Double.NaN : (double) novelUnknown / novel,
                novelRecall);
    }

    /** A readable multi-line summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(
                java.util.Locale.ROOT,
                "known %d cells: accuracy %.4f, macro-F1 %.4f, unknown %.4f; novel %d cells: unknown %.4f%n",
                known,
                accuracy,
                macroF1,
                unknownRateKnown,
                novel,
                unknownRateNovel));
        recall.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "  recall %-16s %.4f%n", k, v)));
        novelRecall.forEach(
                (k, v) -> sb.append(String.format(java.util.Locale.ROOT, "  novel  %-16s unknown %.4f%n", k, v)));
        return sb.toString();
    }

    static List<String> labels(List<String> names, int[] codes) {
        return java.util.Arrays.stream(codes).mapToObj(names::get).toList();
    }
}
