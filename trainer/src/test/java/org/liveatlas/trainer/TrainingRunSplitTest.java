package org.liveatlas.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.registry.PublishGate;

class TrainingRunSplitTest {

    private static TrainingRun run(double fraction) {
        TrainingRun.Settings s = new TrainingRun.Settings(
                QcThresholds.PERMISSIVE,
                1,
                0,
                List.of(),
                new PublishGate(0.01),
                1,
                GeneSources.LABELLED,
                EvaluationSplit.CELLS,
                fraction,
                0,
                50,
                Double.NaN);
        // the split needs neither the registry nor Kafka
        return new TrainingRun(s, CellOntology.none(), null, null);
    }

    /** One study: 100 cells of label 0, 30 of label 1, 2 of label 2, 1 of label 3. */
    private static LabelledCells cells() {
        int[] counts = {100, 30, 2, 1};
        List<Integer> labels = new ArrayList<>();
        for (int l = 0; l < counts.length; l++) {
            for (int i = 0; i < counts[l]; i++) {
                labels.add(l);
            }
        }
        int n = labels.size();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("s:c" + i);
        }
        return new LabelledCells(
                List.of("G1"),
                new int[n + 1],
                new int[0],
                new float[0],
                labels.stream().mapToInt(Integer::intValue).toArray(),
                new int[n],
                ids,
                List.of("a", "b", "c", "d"),
                List.of("a", "b", "c", "d"),
                List.of("s"));
    }

    @Test
    void cellsWithinStudySplitHoldsOutTheFractionOfEveryLabelButNeverAllOfIt() {
        LabelledCells c = cells();
        Set<String> held = run(0.2).stratifiedCells(c, 7);
        int[] perLabel = new int[4];
        for (int i = 0; i < c.cells(); i++) {
            if (held.contains(c.cellIds().get(i))) {
                perLabel[c.label(i)]++;
            }
        }
        // round(0.2 * n), at least one of a label with two or more cells, never its last cell
        assertThat(perLabel).containsExactly(20, 6, 1, 0);
    }

    @Test
    void theSplitDependsOnTheSeedOnlyAndIsRepeatable() {
        LabelledCells c = cells();
        assertThat(run(0.2).stratifiedCells(c, 7)).isEqualTo(run(0.2).stratifiedCells(c, 7));
        assertThat(run(0.2).stratifiedCells(c, 7)).isNotEqualTo(run(0.2).stratifiedCells(c, 8));
    }
}
