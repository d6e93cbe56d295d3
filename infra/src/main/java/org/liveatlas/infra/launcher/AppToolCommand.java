package org.liveatlas.infra.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.liveatlas.infra.apps.AppRunner;
import org.liveatlas.infra.apps.PlatformApp;
import org.liveatlas.infra.apps.TrainingDefaults;
import org.liveatlas.infra.stack.StackConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * A command that belongs to an app (e.g. {@code atlas deposit} to ingest): the launcher runs the
 * app's own command line in a child JVM, passing every argument through and the stack's endpoints
 * as {@code ATLAS_*} environment variables. The trainer's commands also get the training settings the
 * data folder was seeded with as defaults ({@link TrainingDefaults}), and say which settings they run with.
 */
@Command(description = "Runs a tool of a platform app; `atlas COMMAND --help` shows its options.")
final class AppToolCommand implements Callable<Integer> {
    private final PlatformApp app;
    private final String mainClass;
    private final String command;

    @ParentCommand
    AtlasMain parent;

    @Unmatched
    List<String> args = new ArrayList<>();

    AppToolCommand(PlatformApp app, String mainClass, String command) {
        this.app = app;
        this.mainClass = mainClass;
        this.command = command;
    }

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(args);
        StackConfig config = parent.config();
        AppRunner runner = new AppRunner(AppRunner.defaultHome(), config);
        Map<String, String> extraEnv = Map.of();
        if (app == PlatformApp.TRAINER) {
            TrainingDefaults.Resolved settings = TrainingDefaults.forTrain(
                    config.dataDir(), System.getenv(), runner.environment().keySet(), args);
            extraEnv = settings.environment();
            if (trains(args)) {
                parent.spec.commandLine().getOut().println("atlas train: training with " + settings.describe());
                parent.spec.commandLine().getOut().flush();
            }
        }
        return runner.runInForeground(app, mainClass, all, extraEnv);
    }

    /** Whether the trainer's command line {@code args} trains (not {@code export}, not {@code --help}). */
    static boolean trains(List<String> args) {
        return !(args.contains("--help")
                || args.contains("-h")
                || (!args.isEmpty() && args.get(0).equals("export")));
    }
}
