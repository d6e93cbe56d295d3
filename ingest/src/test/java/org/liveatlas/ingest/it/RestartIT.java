package org.liveatlas.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.ingest.DepositCatalogue;
import org.liveatlas.ingest.IngestMain;
import org.liveatlas.ingest.IngestService;
import org.liveatlas.ingest.Outcome;
import org.liveatlas.schemas.events.StudyDeposited;

/** Kills the ingest service (SIGKILL of its JVM) in the middle of a stream of deposits, then restarts it. */
@ExtendWith(AtlasStackExtension.class)
class RestartIT {
    private static final int STUDIES = 50;
    private static final int FIRST_WAVE = 40;

    @Test
    void aServiceKilledMidStreamAndRestartedEmitsEveryDepositExactlyOnce(TestStack stack, @TempDir Path dir)
            throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        for (int i = 0; i < FIRST_WAVE; i++) {
            f.put(DepositCatalogue.goodH5ad(String.format("study-%02d", i)));
        }
        Process first = startServiceJvm(f, dir.resolve("first.log"));
        try {
            // Killed without warning as soon as it has announced a few: most likely in the middle of its first scan.
            IngestFixture.await(
                    "the first service to announce some deposits",
                    Duration.ofSeconds(90),
                    () -> f.deposited().size() >= 3);
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // More deposits arrive while no service runs.
        for (int i = FIRST_WAVE; i < STUDIES; i++) {
            f.put(DepositCatalogue.goodH5ad(String.format("study-%02d", i)));
        }
        int beforeRestart = f.deposited().size();
        System.out.printf("RestartIT: %d of %d deposits announced before the kill%n", beforeRestart, STUDIES);

        try (IngestService restarted = IngestService.create(f.config)) {
            IngestFixture.await("every deposit after the restart", Duration.ofSeconds(90), () -> {
                restarted.scanOnce();
                return f.deposited().size() >= STUDIES;
            });
            assertThat(restarted.scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        }
        try (IngestService again = IngestService.create(f.config)) {
            assertThat(again.scanOnce())
                    .containsEntry(Outcome.UNCHANGED, STUDIES)
                    .containsOnlyKeys(Outcome.UNCHANGED);
        }

        List<String> ids = f.deposited().stream().map(StudyDeposited::studyId).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < STUDIES; i++) {
            expected.add(String.format("study-%02d", i));
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(beforeRestart).as("deposits announced before the kill").isBetween(3, FIRST_WAVE);
    }

    private static Process startServiceJvm(IngestFixture f, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(f.systemProperties());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(IngestMain.class.getName());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
