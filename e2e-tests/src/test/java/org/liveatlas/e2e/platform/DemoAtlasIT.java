package org.liveatlas.e2e.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;

/**
 * The platform a user gets from {@code atlas up} on a fresh data folder, with the demo atlas: the Python
 * client ({@code clients/python}) installed with pip into a new virtual environment (Debian's python3 with
 * its anndata, numpy, h5py and pandas packages; nothing fetched) passes its unittest suite (the README's
 * notebook session, the client's calls and errors); then 32 concurrent clients mix search and annotation
 * for a minute ({@code -Datlas.load.seconds}) without a single 5xx.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoAtlasIT {
    private static final Path HOME =
            Path.of(System.getProperty("atlas.home", "..")).toAbsolutePath().normalize();
    private static final Path CLIENT = HOME.resolve("clients/python");
    private static final Path WORK = HOME.resolve("e2e-tests/target/python-client");

    private static Launcher launcher;
    private static String python;

    @BeforeAll
    static void upWithTheDemo() throws Exception {
        python = pythonWithPackages();
        launcher = Launcher.onFreshFolder(
                "atlas.apps=ingest,trainer,query-api",
                "atlas.flink.jobs=true",
                "atlas.flink.slots=2",
                "atlas.demo=auto");
        Launcher.Result up = launcher.run("up");
        assertThat(up.code()).as(up.text()).isZero();
        assertThat(up.text()).contains("demo: seeded");
    }

    @AfterAll
    static void down() {
        if (launcher != null) {
            launcher.downAndDelete();
        }
    }

    @Test
    @Order(1)
    void theClientInstalledWithPipPassesItsTestsAgainstTheDemoAtlas() throws Exception {
        deleteTree(WORK);
        Path source = WORK.resolve("source");
        copyTree(CLIENT, source);
        Path venv = WORK.resolve("venv");
        run(List.of(python, "-m", "venv", "--system-site-packages", venv.toString()), HOME, Map.of(), 120);
        String venvPython = venv.resolve("bin/python").toString();
        run(
                List.of(
                        venvPython,
                        "-m",
                        "pip",
                        "install",
                        "--no-deps",
                        "--no-build-isolation",
                        "--no-index",
                        "--disable-pip-version-check",
                        source.toString()),
                HOME,
                Map.of(),
                300);
        // the tests import the installed package: their folder is not the checkout's package folder
        String where =
                run(List.of(venvPython, "-c", "import liveatlas; print(liveatlas.__file__)"), WORK, Map.of(), 60);
        assertThat(where.strip()).startsWith(venv.toString());

        String api = launcher.config().endpoints().apiUrl();
        long start = System.nanoTime();
        String out = run(
                List.of(
                        venvPython,
                        "-m",
                        "unittest",
                        "discover",
                        "-s",
                        CLIENT.resolve("tests").toString(),
                        "-v"),
                CLIENT.resolve("tests"),
                Map.of("LIVEATLAS_URL", api),
                600);
        System.out.printf("python client tests: %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(out).contains("test_the_session_runs_as_written_and_its_answers_hold", "\nOK");
    }

    @Test
    @Order(2)
    void thirtyTwoClientsMixingSearchAndAnnotationGetNoServerError() throws Exception {
        String api = launcher.config().endpoints().apiUrl();
        List<String> cells = new ArrayList<>();
        Path example = HOME.resolve("infra/demo/kang_muscat/kang_muscat_demo.h5ad");
        try (StudyReader reader = StudyReaders.open(example)) {
            reader.cellIds().forEach(id -> cells.add("kang_example:" + id));
        }
        LoadRun run = LoadRun.against(api, cells, example, Integer.getInteger("atlas.load.clients", 32));
        LoadRun.Report report = run.run(Duration.ofSeconds(Long.getLong("atlas.load.seconds", 60)));
        System.out.println(report.table());
        assertThat(report.serverErrors()).as(report.table()).isZero();
        assertThat(report.transportErrors()).as(report.table()).isZero();
        assertThat(report.rateLimitedWithoutRetryAfter()).as(report.table()).isZero();
        for (String kind : LoadRun.KINDS) {
            assertThat(report.succeeded(kind)).as(kind + "\n" + report.table()).isPositive();
        }
    }

    /** Debian's python3 (or {@code -Datlas.python}) once it has the client's packages; else the install step. */
    private static String pythonWithPackages() throws Exception {
        String python = System.getProperty(
                "atlas.python", Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
        try {
            run(List.of(python, "-c", "import anndata, numpy, h5py, pandas, venv, setuptools"), HOME, Map.of(), 60);
        } catch (AssertionError | IOException e) {
            fail("the Python client's tests need Python 3 with anndata, numpy, h5py, pandas, venv and setuptools ("
                    + python + " lacks one: " + e.getMessage().strip() + "); install them with: apt-get install"
                    + " python3-anndata python3-numpy python3-h5py python3-pandas python3-venv python3-setuptools"
                    + " python3-wheel (.ci/run does), or point -Datlas.python at an interpreter that has them");
        }
        return python;
    }

    /** Runs a command, echoing its output; fails the test on a non-zero exit or a timeout. */
    private static String run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().remove("PYTHONPATH");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var lines = p.inputReader(StandardCharsets.UTF_8).lines()) {
                lines.forEach(line -> {
                    System.out.println("  | " + line);
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                });
            }
        });
        reader.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        reader.join(10_000);
        String text;
        synchronized (out) {
            text = out.toString();
        }
        if (!done) {
            throw new AssertionError(
                    String.join(" ", command) + " still running after " + timeoutSeconds + " s\n" + text);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + "\n" + text);
        }
        return text;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (var walk = Files.walk(from)) {
            paths = new ArrayList<>(walk.filter(p -> !p.toString().contains("__pycache__")
                            && !p.toString().contains(".egg-info")
                            && !from.relativize(p).startsWith("build"))
                    .toList());
        }
        for (Path p : paths) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
