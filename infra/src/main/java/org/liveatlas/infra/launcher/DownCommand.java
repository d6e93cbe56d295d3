package org.liveatlas.infra.launcher;

import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.AtlasStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas down}: stops everything the launcher started; data stays. */
@Command(
        name = "down",
        mixinStandardHelpOptions = true,
        description = "Stop every embedded service (gracefully, then forcefully after atlas.stop-timeout-seconds)."
                + " Data is kept; external services are left alone.")
final class DownCommand implements Callable<Integer> {
    @ParentCommand
    AtlasMain parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        AtlasStack stack = new AtlasStack(parent.config());
        stack.down(out::println);
        out.println("LiveAtlas stopped; data kept in " + stack.config().dataDir());
        return 0;
    }
}
