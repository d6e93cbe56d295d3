package org.liveatlas.infra.launcher;

import java.util.List;
import java.util.concurrent.Callable;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.Health;
import org.liveatlas.infra.stack.StackConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas status}: per-service health; exit code 1 when anything is down. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show each service's health, pid, endpoint and data size. Exits 1 if any service is down.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    AtlasMain parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        StackConfig config = parent.config();
        List<Health> health = new AtlasStack(config).status();
        out.printf("%-24s %-6s %-8s %-28s %10s  %s%n", "SERVICE", "STATE", "PID", "ENDPOINT", "DATA", "DETAIL");
        boolean allUp = true;
        for (Health h : health) {
            allUp &= h.up();
            out.printf(
                    "%-24s %-6s %-8s %-28s %10s  %s%n",
                    h.service().title(),
                    h.up() ? "up" : "DOWN",
                    h.external()
                            ? "external"
                            : h.pid().isPresent() ? Long.toString(h.pid().getAsLong()) : "-",
                    h.endpoint(),
                    h.dataBytes() < 0 ? "-" : Printing.bytes(h.dataBytes()),
                    h.detail());
        }
        if (config.apps().contains(org.liveatlas.infra.stack.ServiceName.QUERY_API)) {
            out.println();
            Printing.api(config, out);
        }
        if (!allUp) {
            out.println();
            out.println("Some services are down: run ./atlas up to start them.");
        }
        return allUp ? 0 : 1;
    }
}
