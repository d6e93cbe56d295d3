package org.liveatlas.infra.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.infra.demo.DemoAtlas;
import org.liveatlas.infra.stack.StackException;

/**
 * The settings a data folder was seeded with become the defaults of later trainings; an explicit
 * setting wins. Uses the demo's own {@link DemoAtlas#TRAINING}, whatever its values are.
 */
class TrainingDefaultsTest {
    @TempDir
    Path dataDir;

    /** The demo setting the override tests change (the first by name, so any demo settings do). */
    private static final String VARIABLE = new TreeMap<>(DemoAtlas.TRAINING).firstKey();

    private static final String NAME = TrainingDefaults.name(VARIABLE);

    /** A value the demo does not use for {@link #VARIABLE}. */
    private static final String OTHER = DemoAtlas.TRAINING.get(VARIABLE) + "1";

    @Test
    void atlasTrainUsesTheSettingsTheDemoWasSeededWith() {
        TrainingDefaults.record(dataDir, DemoAtlas.TRAINING);

        assertThat(TrainingDefaults.file(dataDir)).isEqualTo(dataDir.resolve("trainer/training.properties"));
        assertThat(TrainingDefaults.recorded(dataDir)).isEqualTo(DemoAtlas.TRAINING);
        TrainingDefaults.Resolved r = TrainingDefaults.forTrain(dataDir, Map.of(), Set.of(), List.of("--studies", "a"));
        assertThat(r.environment()).isEqualTo(DemoAtlas.TRAINING);
        assertThat(r.settings()).hasSize(DemoAtlas.TRAINING.size());
        String source = "seeded settings, " + TrainingDefaults.file(dataDir);
        DemoAtlas.TRAINING.forEach((variable, value) -> {
            String name = TrainingDefaults.name(variable);
            assertThat(r.setting(name)).hasValue(new TrainingDefaults.Setting(name, value, source));
            assertThat(r.describe()).contains(name + "=" + value);
        });
        assertThat(r.describe()).contains("(" + source + ")").endsWith("the trainer's defaults otherwise");
        assertThat(r.setting("studies")).isEmpty();
    }

    @Test
    void aFlagWinsOverTheRecordedSetting() {
        TrainingDefaults.record(dataDir, DemoAtlas.TRAINING);

        TrainingDefaults.Resolved r =
                TrainingDefaults.forTrain(dataDir, Map.of(), Set.of(), List.of("--" + NAME, OTHER, "--studies", "a"));

        assertThat(r.setting(NAME)).hasValue(new TrainingDefaults.Setting(NAME, OTHER, "--" + NAME));
        assertThat(r.describe()).contains(NAME + "=" + OTHER + " (--" + NAME + ")");
        assertThat(r.describe()).doesNotContain(NAME + "=" + DemoAtlas.TRAINING.get(VARIABLE) + ",");
        // the other recorded settings still apply
        assertThat(r.settings()).hasSize(DemoAtlas.TRAINING.size());
    }

    @Test
    void aVariableWhereTheLauncherRunsWinsOverTheRecordedSetting() {
        TrainingDefaults.record(dataDir, DemoAtlas.TRAINING);

        TrainingDefaults.Resolved r = TrainingDefaults.forTrain(
                dataDir, Map.of(VARIABLE, OTHER, "ATLAS_TRAINER_LR", "0.001", "PATH", "/bin"), Set.of(), List.of());

        // the trainer inherits the launcher's variables: the recorded value is not passed over them
        assertThat(r.environment()).doesNotContainKey(VARIABLE).hasSize(DemoAtlas.TRAINING.size() - 1);
        assertThat(r.setting(NAME)).hasValue(new TrainingDefaults.Setting(NAME, OTHER, VARIABLE));
        assertThat(r.setting("lr")).hasValue(new TrainingDefaults.Setting("lr", "0.001", "ATLAS_TRAINER_LR"));
        assertThat(r.describe()).contains("lr=0.001 (ATLAS_TRAINER_LR)");
    }

    @Test
    void withNothingRecordedAtlasTrainKeepsTheTrainersDefaults() {
        TrainingDefaults.Resolved r = TrainingDefaults.forTrain(dataDir, Map.of(), Set.of(), List.of());

        assertThat(r.environment()).isEmpty();
        assertThat(r.settings()).isEmpty();
        assertThat(r.describe())
                .isEqualTo("the trainer's defaults otherwise (nothing recorded in " + TrainingDefaults.file(dataDir)
                        + ")");
    }

    @Test
    void theServiceUsesTheRecordedSettingsElseItsFallback() {
        Map<String, String> fallback = Map.of(VARIABLE, OTHER);

        TrainingDefaults.Resolved before =
                TrainingDefaults.forService(dataDir, fallback, "fallback", Map.of(), Set.of());
        assertThat(before.environment()).isEqualTo(fallback);
        assertThat(before.setting(NAME)).hasValue(new TrainingDefaults.Setting(NAME, OTHER, "fallback"));

        TrainingDefaults.record(dataDir, DemoAtlas.TRAINING);
        TrainingDefaults.Resolved after =
                TrainingDefaults.forService(dataDir, fallback, "fallback", Map.of(), Set.of());
        assertThat(after.environment()).isEqualTo(DemoAtlas.TRAINING);
        assertThat(after.describe()).doesNotContain("fallback");
    }

    @Test
    void aVariableTheLauncherSetsItselfTakesTheRecordedValueAndIsNotReportedFromTheEnvironment() {
        TrainingDefaults.record(dataDir, Map.of("ATLAS_TRAINER_MIN_SHARED_GENES", "1000"));
        Set<String> launcher = Set.of("ATLAS_TRAINER_MIN_SHARED_GENES", "ATLAS_TRAINER_WORK_DIR");

        TrainingDefaults.Resolved r = TrainingDefaults.forTrain(
                dataDir,
                Map.of("ATLAS_TRAINER_MIN_SHARED_GENES", "5000", "ATLAS_TRAINER_WORK_DIR", "/tmp/w"),
                launcher,
                List.of());

        assertThat(r.environment()).isEqualTo(Map.of("ATLAS_TRAINER_MIN_SHARED_GENES", "1000"));
        assertThat(r.settings()).extracting(TrainingDefaults.Setting::name).containsExactly("min-shared-genes");
    }

    @Test
    void aRecordedFileWithAForeignKeyIsRefusedNamingTheFile() throws Exception {
        Files.createDirectories(TrainingDefaults.file(dataDir).getParent());
        Files.writeString(TrainingDefaults.file(dataDir), "EPOCHS=3\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TrainingDefaults.forTrain(dataDir, Map.of(), Set.of(), List.of()))
                .isInstanceOf(StackException.class)
                .hasMessageContaining(TrainingDefaults.file(dataDir).toString())
                .hasMessageContaining("'EPOCHS' is not a trainer variable");
    }

    @Test
    void recordingReplacesWhatWasRecordedAndRefusesOtherVariables() {
        TrainingDefaults.record(dataDir, DemoAtlas.TRAINING);
        TrainingDefaults.record(dataDir, Map.of(VARIABLE, OTHER));

        assertThat(TrainingDefaults.recorded(dataDir)).isEqualTo(Map.of(VARIABLE, OTHER));
        assertThatThrownBy(() -> TrainingDefaults.record(dataDir, Map.of("JAVA_HOME", "/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JAVA_HOME");
    }
}
