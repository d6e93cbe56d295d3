package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class IngestCliTest {
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
    void aDepositWithoutStudyIdIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(IngestCli.execute(new PrintStream(out, true), "deposit", "x.h5ad"))
                .isEqualTo(2);
    }

    @Test
    void aDepositOfAMissingPathFailsNamingIt() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            int code = IngestCli.execute(
                    new PrintStream(new ByteArrayOutputStream(), true),
                    "deposit",
                    "/no/such/file.h5ad",
                    "--study",
                    "s1");
            assertThat(code).isEqualTo(1);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).contains("/no/such/file.h5ad does not exist");
    }
}
