package org.liveatlas.ingest.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.liveatlas.core.AtlasException;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.IngestMain;
import org.liveatlas.schemas.events.StudyState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Command line of the ingest app: {@code deposit}, {@code studies}, {@code withdraw} and {@code service}; the
 * launcher runs it in its own JVM with the stack's {@code ATLAS_*} environment. Exit codes: 0 success, 1 failure,
 * 2 usage or configuration error, 3 a deposit that ended quarantined.
 */
@Command(
        name = "atlas",
        mixinStandardHelpOptions = true,
        subcommands = {
            IngestCli.Deposit.class,
            IngestCli.Studies.class,
            IngestCli.Withdraw.class,
            IngestCli.Service.class
        })
public final class IngestCli {
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }

    /** Runs the command line, printing to {@code out}; returns the exit code. */
    public static int execute(PrintStream out, String... args) {
        CommandLine cli = new CommandLine(new IngestCli());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("atlas " + command.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    private static IngestConfig config() {
        try {
            return IngestConfig.fromEnvironment();
        } catch (AtlasException e) {
            throw new CommandLine.ParameterException(new CommandLine(new IngestCli()), e.getMessage());
        }
    }

    @Command(
            name = "deposit",
            description = "Upload an .h5ad, a 10x .h5 or a 10x folder with its study.json, then follow its status.")
    static final class Deposit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATH", description = "the .h5ad or .h5 file, or a 10x folder")
        Path path;

        @Option(names = "--study", required = true, paramLabel = "ID", description = "study id")
        String study;

        @Option(
                names = "--meta",
                paramLabel = "FILE",
                description = "study.json (default: PATH/study.json for a folder)")
        Path meta;

        @Option(
                names = "--follow",
                paramLabel = "DURATION",
                defaultValue = "10m",
                description =
                        "how long to follow the status (e.g. 30s, 10m; 0s to return at once); default ${DEFAULT-VALUE}")
        String follow;

        @Override
        public Integer call() {
            DepositResult result = new DepositCommand(config(), System.out)
                    .run(DepositRequest.of(path, study, Optional.ofNullable(meta), IngestConfig.parseDuration(follow)));
            return result.lastStatus()
                            .filter(s -> s.state() == StudyState.QUARANTINED)
                            .isPresent()
                    ? 3
                    : 0;
        }
    }

    @Command(name = "studies", description = "List deposits with their latest status.")
    static final class Studies implements Callable<Integer> {
        @Override
        public Integer call() {
            new StudiesCommand(config()).print(System.out);
            return 0;
        }
    }

    @Command(name = "withdraw", description = "Withdraw a study: its cells leave the atlas and its deposit is deleted.")
    static final class Withdraw implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "STUDY")
        String study;

        @Option(
                names = "--reason",
                defaultValue = "withdrawn with atlas withdraw",
                description = "recorded in the event")
        String reason;

        @Override
        public Integer call() {
            new WithdrawCommand(config()).run(study, reason);
            System.out.println("withdrew " + study);
            return 0;
        }
    }

    @Command(name = "service", description = "Run the ingest service until stopped.")
    static final class Service implements Callable<Integer> {
        @Override
        public Integer call() {
            IngestMain.main(new String[0]);
            return 0;
        }
    }
}
