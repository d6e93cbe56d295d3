package org.liveatlas.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublishGateTest {
    private final PublishGate gate = new PublishGate(0.01);

    @Test
    void theFirstEvaluatedModelIsAccepted() {
        PublishGate.Verdict v = gate.judge(Map.of("knn_accuracy", 0.8, "knn_macro_f1", 0.7), Optional.empty());
        assertThat(v.accepted()).as(v.reason()).isTrue();
    }

    @Test
    void aModelWithoutEvaluationIsRejectedEvenWhenNoneIsPublished() {
        PublishGate.Verdict v =
                gate.judge(Map.of("knn_accuracy", Double.NaN, "knn_macro_f1", Double.NaN), Optional.empty());
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("knn_accuracy", "no held-out cells");
    }

    @Test
    void aModelBelowTheCurrentOneMinusTheToleranceIsRejectedAndOneWithinItAccepted() {
        Optional<Map<String, Double>> current = Optional.of(Map.of("knn_accuracy", 0.80, "knn_macro_f1", 0.70));
        PublishGate.Verdict worse = gate.judge(Map.of("knn_accuracy", 0.78, "knn_macro_f1", 0.70), current);
        PublishGate.Verdict within = gate.judge(Map.of("knn_accuracy", 0.795, "knn_macro_f1", 0.695), current);
        assertThat(worse.accepted()).isFalse();
        assertThat(worse.reason()).contains("knn_accuracy 0.7800", "0.8000");
        assertThat(within.accepted()).as(within.reason()).isTrue();
    }
}
