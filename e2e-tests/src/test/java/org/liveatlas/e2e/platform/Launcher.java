package org.liveatlas.e2e.platform;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.liveatlas.infra.launcher.AtlasMain;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;
import org.liveatlas.infra.testing.FreePorts;

/**
 * The {@code atlas} command as a user runs it, on a fresh data folder and free ports: every call goes
 * through the launcher's own entry point ({@link AtlasMain#run}) with the same global options.
 */
final class Launcher {
    /** One command's exit code and everything it printed. */
    record Result(int code, String text) {}

    private final Path dataDir;
    private final List<String> base;

    private Launcher(Path dataDir, List<String> base) {
        this.dataDir = dataDir;
        this.base = base;
    }

    /**
     * A launcher on a new temporary data folder, with free ports and the given settings ({@code key=value},
     * each passed as {@code -D}).
     */
    static Launcher onFreshFolder(String... settings) throws IOException {
        Path dataDir = Files.createTempDirectory(
                "liveatlas-e2e-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> base = new ArrayList<>(FreePorts.launcherArgs(dataDir));
        for (String setting : settings) {
            base.add("-D");
            base.add(setting);
        }
        return new Launcher(dataDir, base);
    }

    Path dataDir() {
        return dataDir;
    }

    /** Runs {@code atlas <command>}, echoing the command and its output to the test log. */
    Result run(String... command) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        int code = AtlasMain.run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        System.out.println("$ atlas " + String.join(" ", command) + " -> " + code + "\n" + out);
        return new Result(code, out.toString());
    }

    /** The configuration the launcher derives from these arguments (ports, data folder). */
    StackConfig config() {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < base.size() - 1; i++) {
            if (base.get(i).equals("-D")) {
                String[] kv = base.get(i + 1).split("=", 2);
                overrides.put(kv[0], kv[1]);
            }
        }
        overrides.put(StackKey.DATA_DIR.key(), dataDir.toString());
        return StackConfig.load(overrides, Map.of(), Optional.empty());
    }

    /** {@code atlas down}, then the data folder deleted. */
    void downAndDelete() {
        run("down");
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
