package org.liveatlas.infra.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;

/** Launcher arguments for a private stack on free ports, for tests that start and stop their own. */
public final class FreePorts {
    private FreePorts() {}

    /**
     * The stack's default configuration with every port free, the given data folder and test
     * timeouts, for tests that start their own servers through {@code AtlasStack}.
     */
    public static StackConfig config(Path dataDir) {
        return SharedStack.freePortConfig(dataDir);
    }

    /** {@code --data-dir DIR -D key=value ...} with every port free and short timeouts. */
    public static List<String> launcherArgs(Path dataDir) {
        StackConfig c = SharedStack.freePortConfig(dataDir);
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        for (StackKey k : StackKey.values()) {
            if (k.key().endsWith("port") || k.key().endsWith("timeout-seconds")) {
                args.add("-D");
                args.add(k.key() + "=" + c.get(k));
            }
        }
        args.add("-D");
        args.add(StackKey.FLINK_HEAP.key() + "=512m");
        args.add("-D");
        args.add(StackKey.FLINK_SLOTS.key() + "=1");
        // the apps are built after infra in the reactor; whole-platform tests live in e2e-tests
        args.add("-D");
        args.add(StackKey.APPS.key() + "=");
        // no Flink jobs and no demo unless a test asks for them (both need the apps' builds)
        args.add("-D");
        args.add(StackKey.FLINK_JOBS.key() + "=false");
        args.add("-D");
        args.add(StackKey.DEMO.key() + "=off");
        return args;
    }
}
