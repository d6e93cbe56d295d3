package org.liveatlas.infra.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;

/** With every endpoint configured as external, the launcher checks those servers and starts nothing. */
@ExtendWith(AtlasStackExtension.class)
class ExternalEndpointsIT {

    @Test
    void statusAndUpCheckExternalServersAndStartNothing(TestStack stack, @TempDir Path dataDir) throws Exception {
        int restPort;
        try (ServerSocket s = new ServerSocket(0)) {
            restPort = s.getLocalPort();
        }
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, restPort);
        try (MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .build())) {
            flink.start();
            String[] external = {
                "--data-dir", dataDir.toString(),
                "-D", "atlas.kafka.bootstrap=" + stack.kafkaBootstrap(),
                "-D", "atlas.s3.endpoint=" + stack.s3Endpoint(),
                "-D", "atlas.s3.access-key=" + stack.s3AccessKey(),
                "-D", "atlas.s3.secret-key=" + stack.s3SecretKey(),
                "-D", "atlas.s3.bucket=" + stack.unique("ext"),
                "-D", "atlas.opensearch.url=" + stack.openSearchUrl(),
                "-D", "atlas.flink.mode=cluster",
                "-D", "atlas.flink.rest-url=http://127.0.0.1:" + restPort,
                "-D", "atlas.apps=",
                "-D", "atlas.flink.jobs=false",
                "-D", "atlas.demo=off"
            };
            StringWriter out = new StringWriter();
            int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(out, true), with(external, "status"));
            assertThat(code).as(out.toString()).isZero();
            assertThat(out.toString()).contains("external", stack.kafkaBootstrap(), stack.openSearchUrl());

            StringWriter upOut = new StringWriter();
            int up = AtlasMain.run(new PrintWriter(upOut, true), new PrintWriter(upOut, true), with(external, "up"));
            assertThat(up).as(upOut.toString()).isZero();
            assertThat(upOut.toString()).contains("using external Kafka broker (KRaft)", "using external Flink");
            assertThat(upOut.toString()).doesNotContain("starting ");
            try (var files = Files.list(dataDir)) {
                assertThat(files.toList()).as("nothing embedded was prepared").isEmpty();
            }
        }

        String[] unreachable = {
            "--data-dir",
            dataDir.toString(),
            "-D",
            "atlas.opensearch.url=http://127.0.0.1:1",
            "-D",
            "atlas.apps=",
            "status"
        };
        StringWriter out = new StringWriter();
        int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(out, true), unreachable);
        assertThat(code).isEqualTo(1);
        assertThat(out.toString()
                        .lines()
                        .filter(l -> l.startsWith("OpenSearch with k-NN"))
                        .findFirst())
                .hasValueSatisfying(l -> assertThat(l).contains("DOWN", "external"));
    }

    private static String[] with(String[] base, String command) {
        String[] all = java.util.Arrays.copyOf(base, base.length + 1);
        all[base.length] = command;
        return all;
    }
}
