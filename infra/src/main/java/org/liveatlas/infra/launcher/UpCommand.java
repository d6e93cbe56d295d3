package org.liveatlas.infra.launcher;

import java.util.List;
import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.StackConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas up}: starts the stack, waits for health, prints every endpoint. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start every service that is not running (running ones are left alone), wait until all are"
                + " healthy, and print the endpoints.")
final class UpCommand implements Callable<Integer> {
    @ParentCommand
    AtlasMain parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        StackConfig config = parent.config();
        long t0 = System.nanoTime();
        out.println("LiveAtlas: data in " + config.dataDir());
        AtlasStack stack = new AtlasStack(config);
        List<AtlasStack.Started> started = stack.up(out::println);
        out.printf("%nAll %d services healthy in %.1f s.%n", started.size(), (System.nanoTime() - t0) / 1e9);
        Printing.endpoints(config, out);
        return 0;
    }
}
