package org.liveatlas.infra.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The global options work before and after the subcommand, with the same effect. */
class GlobalOptionsTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    private static String line(String output, String key) {
        return output.lines()
                .filter(l -> l.startsWith(key + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(key + " not listed in:\n" + output));
    }

    @Test
    void dataDirAndSettingsAfterTheSubcommand(@TempDir Path dir) {
        String d = dir.resolve("atlas-data").toString();
        String before = run("--data-dir", d, "-D", "atlas.kafka.bootstrap=kafka-a:9092", "config");
        String after = run("config", "--data-dir", d, "-D", "atlas.kafka.bootstrap=kafka-a:9092");

        assertThat(line(after, "atlas.data-dir")).contains(d);
        assertThat(line(after, "atlas.kafka.bootstrap")).contains("kafka-a:9092");
        assertThat(after).isEqualTo(before);
    }
}
