package org.liveatlas.infra.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppToolCommandTest {
    @Test
    void trainAndServeSayTheirSettingsExportAndHelpDoNot() {
        assertThat(AppToolCommand.trains(List.of())).isTrue();
        assertThat(AppToolCommand.trains(List.of("--epochs", "3"))).isTrue();
        assertThat(AppToolCommand.trains(List.of("serve"))).isTrue();
        assertThat(AppToolCommand.trains(List.of("export", "--out", "x"))).isFalse();
        assertThat(AppToolCommand.trains(List.of("--help"))).isFalse();
    }
}
