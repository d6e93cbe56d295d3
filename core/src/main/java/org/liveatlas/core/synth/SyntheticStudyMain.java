package org.liveatlas.core.synth;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of the generator (later {@code atlas synth}): writes synthetic studies to a folder.
 *
 * <pre>
 * SyntheticStudyMain --out DIR [--studies 3] [--cells 2000] [--genes 2000] [--seed 1]
 *                    [--types 8] [--format h5ad|10x|both]
 * </pre>
 *
 * Study {@code synthNN} goes to {@code DIR/synthNN.h5ad} and/or the 10x folder {@code DIR/synthNN/}.
 * {@code --cells} is per study. Exits 0 on success, 2 on bad arguments, 1 on a failure to write.
 */
public final class SyntheticStudyMain {

    private SyntheticStudyMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.println(usage());
                return 0;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                err.println("bad argument " + a + "\n" + usage());
                return 2;
            }
            opts.put(a.substring(2), args[++i]);
        }
        List<String> known = List.of("out", "studies", "cells", "genes", "seed", "types", "format");
        for (String k : opts.keySet()) {
            if (!known.contains(k)) {
                err.println("unknown option --" + k + "\n" + usage());
                return 2;
            }
        }
        if (!opts.containsKey("out")) {
            err.println("--out DIR is required\n" + usage());
            return 2;
        }
        SynthConfig config;
        StudyFormat format;
        try {
            int studies = Integer.parseInt(opts.getOrDefault("studies", "3"));
            int cells = Integer.parseInt(opts.getOrDefault("cells", "2000"));
            int genes = Integer.parseInt(opts.getOrDefault("genes", "2000"));
            long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
            config = SynthConfig.defaults(seed, studies, cells, genes);
            if (opts.containsKey("types")) {
                int types = Integer.parseInt(opts.get("types"));
                config = config.withCellTypes(types, Math.min(config.studySpecificTypes(), types - 1));
            }
            format = StudyFormat.parse(opts.getOrDefault("format", "h5ad"));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + usage());
            return 2;
        }
        Path dir = Path.of(opts.get("out"));
        try {
            SyntheticStudyGenerator generator = new SyntheticStudyGenerator(config);
            List<String> written = new ArrayList<>();
            for (int s = 0; s < config.studies(); s++) {
                SyntheticStudy study = generator.study(s);
                if (format != StudyFormat.TENX) {
                    Path f = dir.resolve(study.studyId() + ".h5ad");
                    H5adWriter.write(f, study);
                    written.add(f.toString());
                }
                if (format != StudyFormat.H5AD) {
                    Path d = dir.resolve(study.studyId());
                    TenxWriter.write(d, study);
                    written.add(d + "/");
                }
                out.printf(
                        "%s: %d cells x %d genes, %d non-zero, types %s%n",
                        study.studyId(),
                        study.cells(),
                        study.genes().size(),
                        study.counts().nnz(),
                        typesOf(generator.model(), s));
            }
            written.forEach(w -> out.println("wrote " + w));
            return 0;
        } catch (RuntimeException e) {
            err.println("synthetic studies not written to " + dir + ": " + e.getMessage());
            return 1;
        }
    }

    private static List<String> typesOf(SyntheticModel model, int study) {
        List<String> out = new ArrayList<>();
        for (int t = 0; t < model.typeNames().size(); t++) {
            if (model.isPresent(study, t)) {
                out.add(model.typeNames().get(t));
            }
        }
        return out;
    }

    private static String usage() {
        return "usage: SyntheticStudyMain --out DIR [--studies 3] [--cells 2000 (per study)] [--genes 2000]"
                + " [--seed 1] [--types 8] [--format h5ad|10x|both]";
    }
}
