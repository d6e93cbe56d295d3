package org.liveatlas.infra.launcher;

import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas config}: every configuration key with its current value, environment variable and meaning. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "List every configuration key, its environment variable, current value and meaning.")
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    AtlasMain parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        StackConfig config = parent.config();
        for (StackKey k : StackKey.values()) {
            String value = k == StackKey.S3_SECRET_KEY ? "(hidden)" : config.get(k);
            out.printf("%-34s %-34s = %-20s %s%n", k.key(), k.envName(), value, k.description());
        }
        return 0;
    }
}
