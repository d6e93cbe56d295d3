package org.liveatlas.infra.launcher;

import java.util.List;
import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.StackConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code atlas up}: starts the stack, waits for health, prints every endpoint. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start every service that is not running (running ones are left alone), wait until all are"
                + " healthy, and print the endpoints.")
final class UpCommand implements Callable<Integer> {
    @ParentCommand
    AtlasMain parent;

    @Override
    public Integer call() {
        StackConfig config = parent.config();
        long t0 = System.nanoTime();
        System.out.println("LiveAtlas: data in " + config.dataDir());
        AtlasStack stack = new AtlasStack(config);
        List<AtlasStack.Started> started = stack.up(System.out::println);
        System.out.printf("%nAll %d services healthy in %.1f s.%n", started.size(), (System.nanoTime() - t0) / 1e9);
        Printing.endpoints(config, System.out);
        return 0;
    }
}
