package org.liveatlas.ingest.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.liveatlas.core.AtlasException;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.IngestMain;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.store.StudyIds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Command line of the ingest app: {@code deposit}, {@code studies}, {@code withdraw} and {@code service}; the
 * launcher runs it in its own JVM with the stack's {@code ATLAS_*} environment. Exit codes: 0 success, 1 failure,
 * 2 usage or configuration error, 3 a deposit that ended quarantined (or whose version already was).
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
            description = {
                "Upload an .h5ad, a 10x .h5 or a 10x folder with its study.json, then follow its status.",
                "Without --meta (and without a study.json in a folder PATH) the study.json is written from the"
                        + " options below, checked against the study.json schema and printed before the upload;"
                        + " the obs columns it names must exist in the data."
            })
    static final class Deposit implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help message and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "PATH", description = "the .h5ad or .h5 file, or a 10x folder")
        Path path;

        @Option(names = "--study", required = true, paramLabel = "ID", description = "study id")
        String study;

        @Option(
                names = "--meta",
                paramLabel = "FILE",
                description = "study.json (default: PATH/study.json for a folder that holds one, else written from"
                        + " the options below; not together with them)")
        Path meta;

        @Option(names = "--title", paramLabel = "TEXT", description = "study title (default: the study id)")
        String title;

        @Option(
                names = "--organism",
                paramLabel = "NAME",
                description = "organism (default: " + StudyOptions.DEFAULT_ORGANISM + ")")
        String organism;

        @Option(names = "--tissue", paramLabel = "NAME", description = "tissue, e.g. blood")
        String tissue;

        @Option(names = "--disease", paramLabel = "NAME", description = "disease, e.g. healthy")
        String disease;

        @Option(names = "--assay", paramLabel = "NAME", description = "assay, e.g. 10x 3' v3")
        String assay;

        @Option(
                names = "--label-column",
                paramLabel = "COLUMN",
                description = "obs column with the author's cell type labels")
        String labelColumn;

        @Option(
                names = "--ontology-column",
                paramLabel = "COLUMN",
                description = "obs column with the labels' Cell Ontology ids (CL:...)")
        String ontologyColumn;

        @Option(names = "--donor-column", paramLabel = "COLUMN", description = "obs column with the donor ids")
        String donorColumn;

        @Option(
                names = "--reference",
                description = "the study's labels join the labelled reference (needs --label-column)")
        boolean reference;

        @Option(
                names = "--private",
                description = "only the owner group may see the study (needs --owner; default: public)")
        boolean privateStudy;

        @Option(names = "--owner", paramLabel = "GROUP", description = "the group that owns the study")
        String owner;

        @Option(
                names = "--follow",
                paramLabel = "DURATION",
                defaultValue = "10m",
                description =
                        "how long to follow the status (e.g. 30s, 10m; 0s to return at once); default ${DEFAULT-VALUE}")
        String follow;

        @Override
        public Integer call() {
            StudyOptions options = options();
            DepositRequest request = meta != null
                    ? DepositRequest.of(path, study, Optional.of(meta), IngestConfig.parseDuration(follow))
                    : DepositRequest.of(path, study, options, IngestConfig.parseDuration(follow));
            return new DepositCommand(config(), System.out).run(request).exitCode();
        }

        /** The study options, refused as a usage error when they clash with a study.json or with each other. */
        private StudyOptions options() {
            StudyOptions options = StudyOptions.builder()
                    .title(title)
                    .organism(organism)
                    .tissue(tissue)
                    .disease(disease)
                    .assay(assay)
                    .labelColumn(labelColumn)
                    .ontologyColumn(ontologyColumn)
                    .donorColumn(donorColumn)
                    .reference(reference)
                    .privateStudy(privateStudy)
                    .owner(owner)
                    .build();
            if (meta != null) {
                if (options.any()) {
                    throw usage("--meta cannot be combined with " + String.join(", ", options.given())
                            + ": give the study's metadata either in the study.json file or as options, not both");
                }
                return options;
            }
            Path inFolder = path.resolve(ObjectLayout.STUDY_JSON);
            if (Files.isDirectory(path) && Files.isRegularFile(inFolder)) {
                if (options.any()) {
                    throw usage(inFolder + " is the study's metadata, so " + String.join(", ", options.given())
                            + " cannot be used; edit that file, or remove it to write study.json from the options");
                }
                return options;
            }
            if (StudyIds.problem(study).isEmpty()) {
                List<String> problems = options.problems(study);
                if (!problems.isEmpty()) {
                    throw usage(String.join("\n", problems));
                }
            }
            return options;
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
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
