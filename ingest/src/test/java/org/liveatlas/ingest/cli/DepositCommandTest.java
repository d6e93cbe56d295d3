package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.ingest.Fixtures;
import org.liveatlas.ingest.IngestConfig;

/** The deposit's checks and its written study.json, up to the first upload, against a store that is not there. */
class DepositCommandTest {
    /** Nothing listens on port 1, so the first upload fails at once, after every local check. */
    private static final IngestConfig NO_STORE = IngestConfig.from(
            Map.of("atlas.s3.endpoint", "http://127.0.0.1:1", "atlas.kafka.bootstrap", "127.0.0.1:1"), Map.of());

    private static final Path H5AD = Fixtures.path("fixtures/tiny.h5ad");

    @Test
    void printsTheStudyJsonItWroteBeforeUploading() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StudyOptions options = StudyOptions.builder()
                .tissue("blood")
                .labelColumn("cell_type")
                .reference(true)
                .build();

        assertThatThrownBy(() -> new DepositCommand(NO_STORE, new PrintStream(out, true))
                        .run(DepositRequest.of(H5AD, "s1", options, Duration.ZERO)))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("127.0.0.1:1");

        assertThat(out.toString())
                .startsWith("study.json for s1, written from the options (defaults: title = the study id (--title),"
                        + " organism Homo sapiens (--organism), visibility public (--private --owner GROUP)):\n{")
                .contains("\"studyId\" : \"s1\"")
                .contains("\"title\" : \"s1\"")
                .contains("\"organism\" : \"Homo sapiens\"")
                .contains("\"tissue\" : \"blood\"")
                .contains("\"cellTypeLabel\" : \"cell_type\"")
                .contains("\"reference\" : true")
                .contains("\"visibility\" : \"public\"");
    }

    @Test
    void aFolderWithoutStudyJsonAndWithoutOptionsGetsTheDefaults(@TempDir Path dir) throws Exception {
        Path tenx = dir.resolve("ctrl");
        Files.createDirectories(tenx);
        for (String name : new String[] {"matrix.mtx.gz", "features.tsv.gz", "barcodes.tsv.gz"}) {
            Files.write(tenx.resolve(name), Fixtures.bytes("fixtures/tenx/" + name));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> new DepositCommand(NO_STORE, new PrintStream(out, true))
                        .run(DepositRequest.of(tenx, "s1", StudyOptions.none(), Duration.ZERO)))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(out.toString())
                .contains("study.json for s1, written from the options")
                .contains("\"visibility\"");
    }

    @Test
    void aLabelColumnOnTenxDataFailsBeforeAnythingIsPrintedOrUploaded() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path tenx = Fixtures.path("fixtures/tenx");

        assertThatThrownBy(() -> new DepositCommand(NO_STORE, new PrintStream(out, true))
                        .run(DepositRequest.of(
                                tenx,
                                "s1",
                                StudyOptions.builder().labelColumn("cell_type").build(),
                                Duration.ZERO)))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining("column 'cell_type' (--label-column) is not in the obs of " + tenx);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aStudyJsonGivenWithMetaIsReadAsBefore(@TempDir Path dir) throws Exception {
        Path meta = dir.resolve("study.json");
        Files.writeString(meta, Fixtures.studyJson("other"));

        assertThatThrownBy(() -> new DepositCommand(NO_STORE, new PrintStream(new ByteArrayOutputStream()))
                        .run(DepositRequest.of(H5AD, "s1", Optional.of(meta), Duration.ZERO)))
                .isInstanceOf(PoisonInputException.class)
                .hasMessage("deposit: " + meta + " names study 'other' but --study is 's1'; make them agree");
    }

    @Test
    void metaAndOptionsTogetherAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> new DepositRequest(
                        H5AD,
                        "s1",
                        Optional.of(dir.resolve("study.json")),
                        StudyOptions.builder().title("T").build(),
                        Duration.ZERO,
                        java.util.Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be combined with --title");
    }
}
