package org.liveatlas.infra.apps;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.liveatlas.infra.stack.StackException;

/**
 * The trainer settings a data folder was seeded with, recorded in {@code
 * <data-dir>/trainer/training.properties} (one {@code ATLAS_TRAINER_*} variable a line), and how a
 * later training run resolves its settings from them.
 *
 * <p>A model trained later on the same atlas should be trained like the first one, so that the gate
 * compares like with like and the run fits the machine the atlas was seeded on: {@code atlas train}
 * and the trainer service of {@code up} take the recorded values as their defaults. An {@code
 * ATLAS_TRAINER_*} variable set where the launcher runs wins over a recorded value, and a command-line
 * flag ({@code --epochs 3}) wins over both. Every resolution says which value came from where ({@link
 * Resolved#describe}), for the console.
 */
public final class TrainingDefaults {
    /** The trainer's environment variables start with this. */
    public static final String PREFIX = "ATLAS_TRAINER_";

    /** Flags of {@code TrainerMain} that are not training settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("studies", "export", "out", "model");

    private TrainingDefaults() {}

    /** One effective setting: its name as a flag without dashes ({@code epochs}), value and origin. */
    public record Setting(String name, String value, String source) {
        public Setting {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * The outcome of a resolution.
     *
     * @param environment variables to add to the trainer's environment: the defaults that the launcher's
     *     environment does not set (what it sets reaches the trainer anyway)
     * @param settings every setting that is not the trainer's own default, with where it came from
     * @param remark what applies to the settings not listed (e.g. that nothing was recorded)
     */
    public record Resolved(Map<String, String> environment, List<Setting> settings, String remark) {
        public Resolved {
            environment = Map.copyOf(environment);
            settings = List.copyOf(settings);
            Objects.requireNonNull(remark, "remark");
        }

        /** The value a setting ends up with, if anything but the trainer's default. */
        public java.util.Optional<Setting> setting(String name) {
            return settings.stream().filter(s -> s.name().equals(name)).findFirst();
        }

        /**
         * One line: {@code epochs=15, hidden=128,64 (seeded settings, FILE); epochs=3 (--epochs); ...},
         * settings grouped by origin in order of first appearance, then the remark.
         */
        public String describe() {
            Map<String, List<String>> bySource = new LinkedHashMap<>();
            for (Setting s : settings) {
                bySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s.name() + "=" + s.value());
            }
            List<String> parts = new ArrayList<>();
            bySource.forEach((source, values) -> parts.add(String.join(", ", values) + " (" + source + ")"));
            parts.add(remark);
            return String.join("; ", parts);
        }
    }

    /** {@code <data-dir>/trainer/training.properties}. */
    public static Path file(Path dataDir) {
        return dataDir.resolve("trainer").resolve("training.properties");
    }

    /**
     * Records {@code settings} ({@code ATLAS_TRAINER_*} variable to value) as the data folder's training
     * defaults, replacing what was recorded before; the file is written whole or not at all.
     */
    public static void record(Path dataDir, Map<String, String> settings) {
        Path file = file(dataDir);
        StringBuilder text = new StringBuilder()
                .append("# The trainer settings this data folder was seeded with. `atlas train` and the trainer")
                .append(System.lineSeparator())
                .append("# service of `atlas up` use them as defaults; an ATLAS_TRAINER_* variable or a flag wins.")
                .append(System.lineSeparator());
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            if (!isVariable(e.getKey())) {
                throw new IllegalArgumentException(e.getKey() + " is not a trainer variable (" + PREFIX + "...)");
            }
            if (e.getValue().contains("\n") || e.getValue().contains("\r")) {
                throw new IllegalArgumentException("setting " + e.getKey() + " for " + file + " spans lines");
            }
            text.append(e.getKey())
                    .append('=')
                    .append(e.getValue().replace("\\", "\\\\"))
                    .append(System.lineSeparator());
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StackException("cannot record the training settings in " + file + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #record} wrote for this data folder, by variable; empty when nothing was recorded. */
    public static Map<String, String> recorded(Path dataDir) {
        Path file = file(dataDir);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new StackException("cannot read the training settings " + file + ": " + e.getMessage()
                    + "; fix or delete the file (then the trainer's defaults apply)");
        }
        Map<String, String> out = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (!isVariable(k)) {
                throw new StackException(
                        file + ": '" + k + "' is not a trainer variable (" + PREFIX + "...); fix or delete the file");
            }
            out.put(k, p.getProperty(k).trim());
        }
        return out;
    }

    /**
     * The settings of {@code atlas train ARGS}: the recorded ones, else the trainer's defaults; then the
     * launcher's {@code env}; then the flags in {@code args}.
     *
     * @param launcherVariables variables the launcher sets for every app whatever {@code env} says
     *     ({@link AppRunner#environment}); an {@code env} value of one of them is not reported
     */
    public static Resolved forTrain(
            Path dataDir, Map<String, String> env, Set<String> launcherVariables, List<String> args) {
        Map<String, String> recorded = recorded(dataDir);
        String source = "seeded settings, " + file(dataDir);
        String remark = recorded.isEmpty()
                ? "the trainer's defaults otherwise (nothing recorded in " + file(dataDir) + ")"
                : "the trainer's defaults otherwise";
        return resolve(recorded, source, remark, env, launcherVariables, args);
    }

    /**
     * The settings of the trainer service: the recorded ones, else {@code fallback} (described by {@code
     * fallbackSource}); then the launcher's {@code env} ({@code launcherVariables} as in {@link #forTrain}).
     */
    public static Resolved forService(
            Path dataDir,
            Map<String, String> fallback,
            String fallbackSource,
            Map<String, String> env,
            Set<String> launcherVariables) {
        Map<String, String> recorded = recorded(dataDir);
        if (!recorded.isEmpty()) {
            return resolve(
                    recorded,
                    "seeded settings, " + file(dataDir),
                    "the trainer's defaults otherwise",
                    env,
                    launcherVariables,
                    List.of());
        }
        return resolve(
                new TreeMap<>(fallback),
                fallbackSource,
                "the trainer's defaults otherwise (nothing recorded in " + file(dataDir) + ")",
                env,
                launcherVariables,
                List.of());
    }

    private static Resolved resolve(
            Map<String, String> defaults,
            String defaultsSource,
            String remark,
            Map<String, String> env,
            Set<String> launcherVariables,
            List<String> args) {
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Setting> settings = new LinkedHashMap<>();
        defaults.forEach((variable, value) -> {
            String launcherValue = env.get(variable);
            // a variable the launcher sets itself is replaced by the default, as the demo's training does
            if (launcherValue == null || launcherVariables.contains(variable)) {
                environment.put(variable, value);
                settings.put(variable, new Setting(name(variable), value, defaultsSource));
            } else {
                settings.put(variable, new Setting(name(variable), launcherValue, variable));
            }
        });
        new TreeMap<>(env).forEach((variable, value) -> {
            if (isVariable(variable) && !launcherVariables.contains(variable) && !settings.containsKey(variable)) {
                settings.put(variable, new Setting(name(variable), value, variable));
            }
        });
        for (int i = 0; i + 1 < args.size(); i++) {
            String flag = args.get(i);
            if (flag.startsWith("--") && !NOT_SETTINGS.contains(flag.substring(2))) {
                String value = args.get(++i);
                settings.remove(variable(flag.substring(2)));
                settings.put(variable(flag.substring(2)), new Setting(flag.substring(2), value, flag));
            }
        }
        return new Resolved(environment, new ArrayList<>(settings.values()), remark);
    }

    /** {@code ATLAS_TRAINER_BATCH_SIZE} to {@code batch-size}, the trainer's flag without dashes. */
    static String name(String variable) {
        return variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String variable(String name) {
        return PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static boolean isVariable(String key) {
        return key.startsWith(PREFIX) && key.length() > PREFIX.length();
    }
}
