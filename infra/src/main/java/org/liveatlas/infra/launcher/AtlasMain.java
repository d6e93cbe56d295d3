package org.liveatlas.infra.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackException;
import org.liveatlas.infra.stack.StackKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code atlas} command line: runs and inspects the LiveAtlas platform. The global options ({@code
 * --data-dir}, {@code --config}, {@code -D}) are accepted before or after the subcommand.
 */
@Command(
        name = "atlas",
        mixinStandardHelpOptions = true,
        version = "LiveAtlas 0.1.0",
        description = "Runs the LiveAtlas platform: a continuously growing, searchable single-cell atlas.",
        subcommands = {UpCommand.class, StatusCommand.class, DownCommand.class, ConfigCommand.class, EmbedCommand.class
        })
public final class AtlasMain implements Callable<Integer> {

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Folder for the embedded services' data and logs (default ./.atlas).")
    Path dataDir;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = CommandLine.ScopeType.INHERIT,
            description =
                    "Properties file with atlas.* keys (see `atlas config`); default <data-dir>/atlas.properties if present.")
    Path configFile;

    @Option(
            names = {"-D", "--set"},
            paramLabel = "KEY=VALUE",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Set a configuration key, e.g. -D atlas.kafka.bootstrap=kafka:9092.")
    Map<String, String> settings = new LinkedHashMap<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The configuration from options, environment and file. */
    StackConfig config() {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (dataDir != null) {
            overrides.put(StackKey.DATA_DIR.key(), dataDir.toString());
        }
        Optional<Path> file = Optional.ofNullable(configFile);
        if (file.isEmpty()) {
            String dd = overrides.getOrDefault(
                    StackKey.DATA_DIR.key(),
                    System.getenv().getOrDefault(StackKey.DATA_DIR.envName(), StackKey.DATA_DIR.defaultValue()));
            Path candidate = Path.of(dd).resolve("atlas.properties");
            if (java.nio.file.Files.isRegularFile(candidate)) {
                file = Optional.of(candidate);
            }
        }
        return StackConfig.load(overrides, System.getenv(), file);
    }

    /** Commands that belong to apps: app, main class, command, description. */
    private static final String[][] APP_TOOLS = {
        {
            "INGEST",
            "org.liveatlas.ingest.cli.IngestCli",
            "deposit",
            "Upload a study (.h5ad, 10x folder or .h5) with its study.json (--meta, or written from --title,"
                    + " --organism, --label-column, ...) and follow its status."
        },
        {"INGEST", "org.liveatlas.ingest.cli.IngestCli", "studies", "List deposits and their latest status."},
        {"INGEST", "org.liveatlas.ingest.cli.IngestCli", "withdraw", "Withdraw a study: its cells leave the atlas."},
        {
            "TRAINER",
            "org.liveatlas.trainer.TrainerMain",
            "train",
            "Train a model on the labelled deposits now ([--studies A,B] [--epochs N] [--held-out C]); published only"
                    + " if the gate accepts it."
        }
    };

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; errors print one clear message, no stack trace. */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output and error writers (tests capture them). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new AtlasMain());
        for (String[] tool : APP_TOOLS) {
            CommandLine sub = new CommandLine(
                    new AppToolCommand(org.liveatlas.infra.apps.PlatformApp.valueOf(tool[0]), tool[1], tool[2]));
            sub.getCommandSpec().usageMessage().description(tool[3]);
            cl.addSubcommand(tool[2], sub);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof StackException || ex instanceof IllegalArgumentException) {
                cmd.getErr().println("atlas: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
