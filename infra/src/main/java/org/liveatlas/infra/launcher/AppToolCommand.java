package org.liveatlas.infra.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.liveatlas.infra.apps.AppRunner;
import org.liveatlas.infra.apps.PlatformApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * A command that belongs to an app (e.g. {@code atlas deposit} to ingest): the launcher runs the
 * app's own command line in a child JVM, passing every argument through and the stack's endpoints
 * as {@code ATLAS_*} environment variables.
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
        return new AppRunner(AppRunner.defaultHome(), parent.config()).runInForeground(app, mainClass, all);
    }
}
