package org.liveatlas.flink;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.liveatlas.flink.config.PipelineOptions;

/**
 * Resuming a platform job from its last checkpoint when it is submitted again (after the Flink cluster died, or
 * after {@code atlas down} and {@code up}). With {@link PipelineOptions#CHECKPOINTS_DIR} set, each job keeps its
 * checkpoints under {@code <dir>/<job name>/<job id>/chk-N}, retained when the job is cancelled or the cluster
 * stops; a new submission of that job restores the newest complete checkpoint (one whose {@code _metadata} was
 * written: Flink writes it last) in Flink's no-claim mode, so the restored checkpoint stays valid until the new job
 * has checkpoints of its own. Older runs' folders are removed then. State that no operator claims (an operator
 * removed in a newer build) is skipped rather than refusing the restore.
 */
public final class JobRecovery {
    private JobRecovery() {}

    /**
     * The Flink configuration that makes the job named {@code jobName} checkpoint into its own folder and resume
     * from its newest retained checkpoint there; empty when {@code options} sets no checkpoints folder.
     *
     * @param log receives one line saying where the job checkpoints and what it resumes from
     */
    public static Configuration configure(Configuration options, String jobName, PrintStream log) {
        Configuration conf = new Configuration();
        Optional<String> dir = options.getOptional(PipelineOptions.CHECKPOINTS_DIR);
        if (dir.isEmpty() || dir.get().isBlank()) {
            return conf;
        }
        Path jobDir = localPath(dir.get().trim()).resolve(jobName);
        try {
            Files.createDirectories(jobDir);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    PipelineOptions.CHECKPOINTS_DIR.key() + " = " + dir.get() + ": cannot create " + jobDir + " ("
                            + e.getMessage() + "); choose a writable folder",
                    e);
        }
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, jobDir.toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Optional<Path> latest = latestCheckpoint(jobDir);
        if (latest.isPresent()) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
            List<Path> removed = removeOtherRuns(jobDir, latest.get().getParent());
            log.println(jobName + ": resuming from checkpoint " + latest.get()
                    + (removed.isEmpty() ? "" : " (removed " + removed.size() + " older run folder(s))"));
        } else {
            log.println(jobName + ": no retained checkpoint in " + jobDir + "; starting from the committed Kafka"
                    + " offsets");
        }
        return conf;
    }

    /**
     * The newest complete checkpoint under a job's folder: the {@code chk-N} folder holding {@code _metadata}
     * whose metadata was written last (ties broken by N).
     */
    public static Optional<Path> latestCheckpoint(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        List<Path> complete = new ArrayList<>();
        try (Stream<Path> runs = Files.list(jobDir)) {
            for (Path run : runs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> chks = Files.list(run)) {
                    chks.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
                            .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                            .forEach(complete::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + jobDir, e);
        }
        return complete.stream()
                .max(Comparator.comparing(JobRecovery::metadataTime)
                        .thenComparingLong(
                                p -> Long.parseLong(p.getFileName().toString().substring(4))));
    }

    private static long metadataTime(Path chk) {
        try {
            return Files.getLastModifiedTime(chk.resolve("_metadata")).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Deletes the folders of the job's other runs (not {@code keep}); returns those removed. */
    private static List<Path> removeOtherRuns(Path jobDir, Path keep) {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> runs = Files.list(jobDir)) {
            for (Path run : runs.filter(Files::isDirectory).toList()) {
                if (!run.equals(keep)) {
                    deleteTree(run);
                    removed.add(run);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // an old run's folder that cannot be removed costs disk space, not correctness
        }
        return removed;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path localPath(String dir) {
        if (dir.contains("://") || dir.startsWith("file:")) {
            URI uri = URI.create(dir);
            if (!"file".equals(uri.getScheme())) {
                throw new IllegalArgumentException(PipelineOptions.CHECKPOINTS_DIR.key() + " = " + dir
                        + ": only a local folder or a file: URI can be searched for a checkpoint to resume from;"
                        + " on a cluster with remote checkpoint storage, leave it unset and set Flink's"
                        + " execution.checkpointing.dir and execution.state-recovery.path instead");
            }
            return Path.of(uri);
        }
        return Path.of(dir).toAbsolutePath();
    }
}
