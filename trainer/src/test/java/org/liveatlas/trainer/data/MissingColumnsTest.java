package org.liveatlas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudyGenerator;

/** A labelled deposit whose study.json names obs columns its file lacks is reported, not trained on. */
class MissingColumnsTest {

    @Test
    void namesTheMissingColumnsAndTheOnesTheFileHas(@TempDir Path dir) {
        Path file = dir.resolve("s.h5ad");
        H5adWriter.write(file, new SyntheticStudyGenerator(SynthConfig.defaults(3, 1, 20, 50)).study(0));

        assertThat(TrainingDataLoader.missingColumns(
                        new LabelledStudy("s", "v1", file, "cell_type", "cell_type_ontology_term_id")))
                .isEmpty();
        assertThat(TrainingDataLoader.missingColumns(new LabelledStudy("s", "v1", file, "author_label", null)))
                .hasValueSatisfying(
                        why -> assertThat(why).contains("'author_label'", "cell_type", "fix columns in study.json"));
        assertThat(TrainingDataLoader.missingColumns(new LabelledStudy("s", "v1", file, "cell_type", "cl", "batch")))
                .hasValueSatisfying(why -> assertThat(why).contains("columns 'cl', 'batch'"));
    }
}
