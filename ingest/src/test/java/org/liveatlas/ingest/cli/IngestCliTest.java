package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.ingest.Fixtures;

class IngestCliTest {
    private static final String H5AD = Fixtures.path("fixtures/tiny.h5ad").toString();

    @Test
    void listsItsCommandsInTheHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = IngestCli.execute(new PrintStream(out, true), "--help");
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("deposit")
                .contains("studies")
                .contains("withdraw")
                .contains("service");
    }

    @Test
    void theDepositHelpListsTheStudyOptions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(IngestCli.execute(new PrintStream(out, true), "deposit", "--help"))
                .isZero();
        assertThat(out.toString())
                .contains("--title", "--organism", "--tissue", "--disease", "--assay")
                .contains("--label-column", "--ontology-column", "--donor-column")
                .contains("--reference", "--private", "--owner", "Homo sapiens");
    }

    @Test
    void aDepositWithoutStudyIdIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(IngestCli.execute(new PrintStream(out, true), "deposit", "x.h5ad"))
                .isEqualTo(2);
    }

    @Test
    void aDepositOfAMissingPathFailsNamingIt() {
        Run run = run("deposit", "/no/such/file.h5ad", "--study", "s1");
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("/no/such/file.h5ad does not exist");
    }

    @Test
    void metaTogetherWithStudyOptionsIsAUsageError(@TempDir Path dir) throws Exception {
        Path meta = dir.resolve("study.json");
        Files.writeString(meta, Fixtures.studyJson("s1"));

        Run run = run("deposit", H5AD, "--study", "s1", "--meta", meta.toString(), "--title", "T", "--reference");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.err)
                .contains("--meta cannot be combined with --title, --reference")
                .contains("either in the study.json file or as options, not both");
    }

    @Test
    void aReferenceWithoutALabelColumnIsAUsageErrorNamingTheFix() {
        Run run = run("deposit", H5AD, "--study", "s1", "--reference");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("--reference needs --label-column COLUMN").contains("drop --reference");
    }

    @Test
    void aPrivateStudyWithoutAnOwnerIsAUsageError() {
        Run run = run("deposit", H5AD, "--study", "s1", "--private");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("--private needs --owner GROUP");
    }

    @Test
    void aFolderWithItsOwnStudyJsonRefusesStudyOptions(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("study.json"), Fixtures.studyJson("s1"));

        Run run = run("deposit", dir.toString(), "--study", "s1", "--tissue", "blood");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.err)
                .contains(dir.resolve("study.json") + " is the study's metadata, so --tissue cannot be used");
    }

    @Test
    void aLabelColumnTheFileLacksFailsBeforeAnyUploadNamingColumnFileAndColumns() {
        Run run = run("deposit", H5AD, "--study", "s1", "--label-column", "celltype", "--reference");

        assertThat(run.code).isEqualTo(1);
        assertThat(run.err)
                .contains("column 'celltype' (--label-column) is not in the obs of " + H5AD)
                .contains("its obs columns are cell_type");
        assertThat(run.out).doesNotContain("study.json for s1");
    }

    private record Run(int code, String out, String err) {}

    /** Runs the command line, capturing what it prints; usage and failure messages go to System.err. */
    private static Run run(String... args) {
        PrintStream err = System.err;
        PrintStream stdout = System.out;
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        System.setErr(new PrintStream(capturedErr, true));
        System.setOut(new PrintStream(capturedOut, true));
        int code;
        try {
            code = IngestCli.execute(new PrintStream(capturedOut, true), args);
        } finally {
            System.setErr(err);
            System.setOut(stdout);
        }
        return new Run(code, capturedOut.toString(), capturedErr.toString());
    }
}
