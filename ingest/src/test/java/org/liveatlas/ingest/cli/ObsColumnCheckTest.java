package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.ingest.Fixtures;

class ObsColumnCheckTest {
    private static final Path H5AD = Fixtures.path("fixtures/tiny.h5ad");
    private static final Path TENX = Fixtures.path("fixtures/tenx");

    @Test
    void acceptsAColumnTheH5adHas() {
        assertThatCode(() -> ObsColumnCheck.require(Map.of("--label-column", "cell_type"), H5AD))
                .doesNotThrowAnyException();
    }

    @Test
    void rejectsAMissingColumnNamingTheColumnTheFileAndTheColumnsItHas() {
        assertThatThrownBy(() ->
                        ObsColumnCheck.require(Map.of("--label-column", "cell_type", "--donor-column", "donor"), H5AD))
                .isInstanceOf(PoisonInputException.class)
                .hasMessage("deposit: column 'donor' (--donor-column) is not in the obs of " + H5AD
                        + "; its obs columns are cell_type; give --donor-column one of them, or leave it out");
    }

    @Test
    void aTenxFolderHasNoObsColumns() {
        assertThatThrownBy(() -> ObsColumnCheck.require(Map.of("--label-column", "cell_type"), TENX))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining("column 'cell_type' (--label-column) is not in the obs of " + TENX)
                .hasMessageContaining("10x data has no obs columns")
                .hasMessageContaining("leave --label-column out, or deposit an .h5ad");
    }

    @Test
    void noNamedColumnNeedsNoRead() {
        assertThatCode(() -> ObsColumnCheck.require(Map.of(), Path.of("/no/such/file.h5ad")))
                .doesNotThrowAnyException();
    }
}
