package org.liveatlas.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
    @TempDir
    Path dir;

    @Test
    void aProcessKilledWithoutStopIsReportedAsCrashedWithItsPidAndLastLogLine() throws Exception {
        ChildProcess p = new ChildProcess("sleeper", dir.resolve("sleeper.pid"), dir.resolve("sleeper.log"));
        ProcessHandle h = p.start(List.of("sh", "-c", "echo ready to sleep; exec sleep 60"), dir, Map.of());
        for (int i = 0;
                i < 100 && Files.readAllLines(dir.resolve("sleeper.log")).size() < 2;
                i++) {
            Thread.sleep(50);
        }
        assertThat(p.deathNotice()).isEmpty();

        h.destroyForcibly();
        h.onExit().get(10, TimeUnit.SECONDS);

        assertThat(p.running()).isEmpty();
        assertThat(p.deathNotice()).hasValueSatisfying(notice -> assertThat(notice)
                .contains("crashed or killed (pid " + h.pid() + " is gone)")
                .contains("last log line: ready to sleep")
                .contains("./atlas up restarts it"));
    }

    @Test
    void aProcessStoppedCleanlyHasNoDeathNotice() throws Exception {
        ChildProcess p = new ChildProcess("sleeper", dir.resolve("sleeper.pid"), dir.resolve("sleeper.log"));
        p.start(List.of("sleep", "60"), dir, Map.of());

        p.stop(Duration.ofSeconds(10));

        assertThat(p.running()).isEmpty();
        assertThat(p.deathNotice()).isEmpty();
    }
}
