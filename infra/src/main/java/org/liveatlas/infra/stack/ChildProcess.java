package org.liveatlas.infra.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One server process that outlives the launcher: started detached (its own session), output to a
 * log file, identity kept in a pid file holding the pid and start time so that a recycled pid is
 * never mistaken for ours.
 */
final class ChildProcess {
    private final String title;
    private final Path pidFile;
    private final Path logFile;

    ChildProcess(String title, Path pidFile, Path logFile) {
        this.title = title;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    Path logFile() {
        return logFile;
    }

    /** The running process recorded in the pid file, if it is still the same process. */
    Optional<ProcessHandle> running() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] parts =
                    Files.readString(pidFile, StandardCharsets.UTF_8).trim().split("\\s+");
            long pid = Long.parseLong(parts[0]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (handle.isPresent() && parts.length > 1) {
                Optional<Instant> started = handle.get().info().startInstant();
                if (started.isPresent() && !started.get().toString().equals(parts[1])) {
                    return Optional.empty(); // the pid was recycled by another process
                }
            }
            return handle;
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Why the process is not running when its pid file is still there: it was not stopped by {@link #stop} (which
     * deletes the pid file) but exited, crashed or was killed. Names the recorded pid and the last line of its log.
     * Empty when the process runs or was stopped cleanly (or never started).
     */
    Optional<String> deathNotice() {
        if (!Files.exists(pidFile) || running().isPresent()) {
            return Optional.empty();
        }
        String pid;
        try {
            pid = Files.readString(pidFile, StandardCharsets.UTF_8).trim().split("\\s+")[0];
        } catch (IOException e) {
            pid = "?";
        }
        String last = "";
        try {
            if (Files.exists(logFile)) {
                List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0 && last.isEmpty(); i--) {
                    last = lines.get(i).strip();
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            last = "";
        }
        if (last.length() > 160) {
            last = last.substring(0, 160) + "...";
        }
        return Optional.of("exited without ./atlas down: crashed or killed (pid " + pid + " is gone)"
                + (last.isEmpty() ? "" : "; last log line: " + last) + "; ./atlas up restarts it (log: " + logFile
                + ")");
    }

    /** Starts the command detached from the launcher's session, appending its output to the log file. */
    ProcessHandle start(List<String> command, Path workDir, java.util.Map<String, String> environment) {
        List<String> full = new ArrayList<>();
        // setsid: the server keeps running when the launcher exits or its terminal closes.
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(
                    logFile,
                    "=== " + Instant.now() + " starting " + title + ": " + String.join(" ", full)
                            + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(environment);
            Process p = pb.start();
            ProcessHandle h = p.toHandle();
            String started = h.info().startInstant().map(Instant::toString).orElse("");
            Files.writeString(pidFile, h.pid() + " " + started + System.lineSeparator(), StandardCharsets.UTF_8);
            return h;
        } catch (IOException e) {
            throw new StackException("cannot start " + title + ": " + e.getMessage() + " (command: " + full + ")", e);
        }
    }

    /** Stops the process: SIGTERM, then SIGKILL after the timeout; also its descendants. */
    void stop(Duration timeout) {
        Optional<ProcessHandle> h = running();
        if (h.isEmpty()) {
            deletePidFile();
            return;
        }
        ProcessHandle p = h.get();
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (Exception ignored) {
                throw new StackException(title + " (pid " + p.pid() + ") did not exit after SIGKILL");
            }
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
        deletePidFile();
    }

    /** The last lines of the log, for error messages. */
    String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log at " + logFile + ")";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new StackException("cannot delete pid file " + pidFile + ": " + e.getMessage(), e);
        }
    }
}
