package org.liveatlas.flink.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.schemas.study.ObsColumns;

class LocalDepositTest {
    @TempDir
    Path work;

    @Test
    void namesTheDepositedObjectInsteadOfTheWorkersCopy() {
        Path folder = work.resolve("liveatlas-s1-0b7c");
        LocalDeposit local = new LocalDeposit(folder, "deposits/s1/");

        String reason = local.withObjectKeys("study file " + folder.resolve("study.h5ad")
                + ": X has 3 cells but obs has 4; the file is truncated or corrupt");

        assertThat(reason)
                .isEqualTo("study file deposits/s1/study.h5ad: X has 3 cells but obs has 4; the file is truncated"
                        + " or corrupt");
    }

    @Test
    void namesFilesInSubfoldersAndTheFolderItselfByTheirKeys() {
        Path folder = work.resolve("liveatlas-s1-0b7c");
        LocalDeposit local = new LocalDeposit(folder, "deposits/s1/");

        assertThat(local.withObjectKeys(folder.resolve("filtered").resolve("matrix.mtx.gz") + " ends early"))
                .isEqualTo("deposits/s1/filtered/matrix.mtx.gz ends early");
        assertThat(local.withObjectKeys("10x folder " + folder + ": no barcodes.tsv(.gz)"))
                .isEqualTo("10x folder deposits/s1/: no barcodes.tsv(.gz)");
    }

    @Test
    void replacesEverySpellingOfARelativeWorkFolder() {
        Path folder = Path.of("target", "work", "liveatlas-s1-0b7c");
        LocalDeposit local = new LocalDeposit(folder, "deposits/s1/");
        String absolute = folder.toAbsolutePath() + "/counts.h5ad";

        String reason = local.withObjectKeys("study input " + folder.resolve("counts.h5ad") + " and " + absolute);

        assertThat(reason).isEqualTo("study input deposits/s1/counts.h5ad and deposits/s1/counts.h5ad");
    }

    @Test
    void replacesTheFolderWithItsLinksResolved() throws Exception {
        Path real = Files.createDirectories(work.resolve("real-work"));
        Path link = Files.createSymbolicLink(work.resolve("linked-work"), real);
        Path folder = Files.createDirectories(link.resolve("liveatlas-s1-0b7c"));
        LocalDeposit local = new LocalDeposit(folder, "deposits/s1/");

        assertThat(local.withObjectKeys(folder.toRealPath().resolve("counts.h5ad") + " is corrupt"))
                .isEqualTo("deposits/s1/counts.h5ad is corrupt");
    }

    @Test
    void leavesOtherTextAndOtherFoldersAlone() {
        LocalDeposit local = new LocalDeposit(work.resolve("liveatlas-s1-0b7c"), "deposits/s1/");

        assertThat(local.withObjectKeys("study s1: only 812 of the model's 28,231 genes found"))
                .isEqualTo("study s1: only 812 of the model's 28,231 genes found");
        assertThat(local.withObjectKeys("models/m1/gene_order.tsv")).isEqualTo("models/m1/gene_order.tsv");
        assertThat(local.withObjectKeys(null)).isNull();
    }

    @Test
    void rejectsAPrefixThatIsNotAFolder() {
        assertThatThrownBy(() -> new LocalDeposit(work, "deposits/s1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deposits/s1")
                .hasMessageContaining("must end with '/'");
    }

    @Test
    void aReaderFailureOnTheDownloadedFileBecomesAReasonNamingTheObjectKey() throws Exception {
        Path folder = Files.createDirectories(work.resolve("liveatlas-s1-0b7c"));
        Path file = folder.resolve("study.h5ad");
        Files.write(file, new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0, 0});
        LocalDeposit local = new LocalDeposit(folder, "deposits/s1/");

        assertThatThrownBy(() -> StudyReaders.open(file).close())
                .isInstanceOf(PoisonInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(folder.toString()))
                .satisfies(e -> assertThat(local.withObjectKeys(e.getMessage()))
                        .contains("deposits/s1/study.h5ad")
                        .doesNotContain(folder.toString())
                        .doesNotContain(work.toString()));
    }

    @Test
    void aMissingLabelColumnInTheDownloadedFileIsReportedUnderItsObjectKey() throws Exception {
        SyntheticStudy s = new SyntheticStudyGenerator(SynthConfig.defaults(3, 1, 20, 60))
                .studies()
                .get(0);
        Path folder = Files.createDirectories(work.resolve("liveatlas-" + s.studyId() + "-0b7c"));
        Path file = folder.resolve("study.h5ad");
        H5adWriter.write(file, s);
        LocalDeposit local = new LocalDeposit(folder, "deposits/" + s.studyId() + "/");

        List<String> present;
        try (StudyReader reader = StudyReaders.open(file)) {
            present = reader.obsColumnNames();
        }
        String problem = NamedObsColumns.problem(
                        s.studyId(), new ObsColumns(null, null, "author_cell_type", null), present, file.toString())
                .orElseThrow();

        assertThat(local.withObjectKeys(problem))
                .isEqualTo("study " + s.studyId() + ": study.json names cellTypeLabel column 'author_cell_type',"
                        + " but deposits/" + s.studyId() + "/study.h5ad has no such obs column (its columns: "
                        + String.join(", ", present) + "); fix study.json's columns.cellTypeLabel or the file, and"
                        + " deposit again")
                .doesNotContain(work.toString());
    }
}
