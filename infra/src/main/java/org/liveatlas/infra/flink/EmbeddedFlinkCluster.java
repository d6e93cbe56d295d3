package org.liveatlas.infra.flink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The embedded Flink session cluster: a MiniCluster with a REST endpoint, run in its own JVM by the
 * launcher. Jobs reach it through REST, exactly as they reach a real cluster in cluster mode.
 */
public final class EmbeddedFlinkCluster {
    private EmbeddedFlinkCluster() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8081;
        int slots = 4;
        Path dir = Path.of(".");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--slots" -> slots = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException(
                        "unknown option " + args[i] + "; expected --host, --port, --slots, --dir");
            }
        }
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        Path uploads = Files.createDirectories(dir.resolve("uploads"));
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.BIND_ADDRESS, host);
        conf.set(RestOptions.PORT, port);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(WebOptions.UPLOAD_DIR, uploads.toString());
        // The pipeline's libraries are on this JVM's classpath (like a cluster's lib/ folder). DJL's
        // PyTorch JNI can be loaded once per JVM, so its classes must come from here for every job,
        // never from a job's own classloader; the same holds for the core that wraps it.
        conf.set(
                CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL,
                java.util.List.of("ai.djl.", "org.liveatlas.core.", "org.liveatlas.schemas."));
        MiniClusterConfiguration cfg = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build();
        MiniCluster cluster = new MiniCluster(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                cluster.close();
                            } catch (Exception e) {
                                System.err.println("error while stopping the Flink MiniCluster: " + e);
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "flink-minicluster-shutdown"));
        cluster.start();
        System.out.println(
                "Flink MiniCluster up, REST at " + cluster.getRestAddress().get());
        stopped.await();
    }
}
