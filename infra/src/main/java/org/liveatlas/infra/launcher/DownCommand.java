package org.liveatlas.infra.launcher;

import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.AtlasStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code atlas down}: stops everything the launcher started; data stays. */
@Command(
        name = "down",
        mixinStandardHelpOptions = true,
        description = "Stop every embedded service (gracefully, then forcefully after atlas.stop-timeout-seconds)."
                + " Data is kept; external services are left alone.")
final class DownCommand implements Callable<Integer> {
    @ParentCommand
    AtlasMain parent;

    @Override
    public Integer call() {
        AtlasStack stack = new AtlasStack(parent.config());
        stack.down(System.out::println);
        System.out.println("LiveAtlas stopped; data kept in " + stack.config().dataDir());
        return 0;
    }
}
