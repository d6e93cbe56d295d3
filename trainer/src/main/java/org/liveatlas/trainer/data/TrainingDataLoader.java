package org.liveatlas.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.qc.QcThresholds;

/**
 * Reads labelled studies through the core's preprocessor (reader, QC, alignment, lognorm) into
 * {@link LabelledCells}, harmonising labels by Cell Ontology id.
 *
 * <p>A cell is kept when it passes the QC thresholds and has a label (not empty, not {@code NA} or
 * {@code nan}). Its label term is its Cell Ontology id when the study names an ontology column and the
 * cell's value there is an id, else the ontology term whose name or synonym is the label text
 * (e.g. a broad label such as {@code T/NK cell} that a local ontology file maps to a common
 * ancestor), else the label text; the label's name is the ontology's term name when
 * the ontology knows the id, else the most frequent label text among the term's cells.
 */
public final class TrainingDataLoader {

    private static final java.util.Set<String> MISSING = java.util.Set.of("", "na", "nan", "none", "null", "unknown");

    private final QcThresholds qc;
    private final int minSharedGenes;
    private final CellOntology ontology;

    /**
     * @param qc per-cell filter (SCimilarity's training filter is {@link QcThresholds#SCIMILARITY_TRAINING})
     * @param minSharedGenes fewest model genes a study must share (the core's rejection)
     * @param ontology for label names; {@link CellOntology#none()} without one
     */
    public TrainingDataLoader(QcThresholds qc, int minSharedGenes, CellOntology ontology) {
        this.qc = qc;
        this.minSharedGenes = minSharedGenes;
        this.ontology = ontology;
    }

    /**
     * Why {@code study} cannot be trained on, if its file lacks an obs column its study.json names (the
     * label, ontology id or batch column), as a sentence naming the columns it has; empty when all are there.
     */
    public static java.util.Optional<String> missingColumns(LabelledStudy study) {
        try (StudyReader r = StudyReaders.open(study.file())) {
            List<String> have = r.obsColumnNames();
            List<String> missing = new ArrayList<>();
            for (String c : java.util.Arrays.asList(study.labelColumn(), study.ontologyColumn(), study.batchColumn())) {
                if (c != null && !have.contains(c)) {
                    missing.add("'" + c + "'");
                }
            }
            if (missing.isEmpty()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of("study.json names obs column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " that its data file lacks (it has " + have
                    + "); fix columns in study.json or the file and deposit again");
        }
    }

    /** The gene symbols a study file lists (its panel), in file order. */
    public static List<String> geneSymbols(java.nio.file.Path study) {
        try (StudyReader r = StudyReaders.open(study)) {
            return List.copyOf(r.geneSymbols());
        }
    }

    /**
     * The sorted genes listed by at least {@code minStudies} of the studies: the gene order of a new
     * model.
     */
    public static List<String> geneOrder(List<LabelledStudy> studies, int minStudies) {
        return geneOrderOfFiles(studies.stream().map(LabelledStudy::file).toList(), minStudies);
    }

    /**
     * The sorted genes listed by at least {@code minStudies} of the study files (labelled or not).
     */
    public static List<String> geneOrderOfFiles(List<java.nio.file.Path> studies, int minStudies) {
        Map<String, Integer> count = new HashMap<>();
        for (java.nio.file.Path s : studies) {
            try (StudyReader r = StudyReaders.open(s)) {
                for (String g : new TreeSet<>(r.geneSymbols())) {
                    count.merge(g, 1, Integer::sum);
                }
            }
        }
        List<String> genes = new ArrayList<>();
        count.forEach((g, c) -> {
            if (c >= minStudies && !g.isBlank()) {
                genes.add(g);
            }
        });
        genes.sort(null);
        if (genes.isEmpty()) {
            throw new PoisonInputException("no gene is listed by at least " + minStudies + " of the " + studies.size()
                    + " training studies; lower the trainer's min-studies-per-gene setting");
        }
        return genes;
    }

    /** Loads every study over {@code genes}; label and study codes are shared across them. */
    public LabelledCells load(List<LabelledStudy> studies, List<String> genes) {
        StudyPreprocessor prep = new StudyPreprocessor(
                genes,
                PreprocessOptions.DEFAULT
                        .withQc(qc)
                        .withAlign(AlignOptions.DEFAULT.withMinSharedGenes(Math.min(minSharedGenes, genes.size()))));
        IntBuf indices = new IntBuf();
        FloatBuf values = new FloatBuf();
        IntBuf labelCodes = new IntBuf();
        IntBuf studyCodes = new IntBuf();
        List<String> cellIds = new ArrayList<>();
        List<Integer> indptr = new ArrayList<>();
        indptr.add(0);
        Map<String, Integer> termCode = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> termTexts = new HashMap<>();
        List<String> studyIds = new ArrayList<>();
        for (LabelledStudy s : studies) {
            try (PreparedStudy p = prep.open(s.studyId(), s.file())) {
                List<String> labels = column(p.reader(), s.labelColumn(), s.studyId());
                List<String> ids =
                        s.ontologyColumn() == null ? null : column(p.reader(), s.ontologyColumn(), s.studyId());
                List<String> batches =
                        s.batchColumn() == null ? null : column(p.reader(), s.batchColumn(), s.studyId());
                Map<String, Integer> batchCode = new HashMap<>();
                if (batches == null) {
                    studyIds.add(s.studyId());
                    batchCode.put(s.studyId(), studyIds.size() - 1);
                }
                while (p.hasNext()) {
                    PreparedChunk chunk = p.next();
                    int[] rows = chunk.studyRows();
                    CsrBatch x = chunk.expression();
                    int[] ip = x.indptr();
                    int[] ix = x.indices();
                    float[] vx = x.values();
                    for (int r = 0; r < rows.length; r++) {
                        String text = labels.get(rows[r]).strip();
                        if (MISSING.contains(text.toLowerCase(java.util.Locale.ROOT))) {
                            continue;
                        }
                        String id = ids == null ? "" : ids.get(rows[r]).strip();
                        String term = MISSING.contains(id.toLowerCase(java.util.Locale.ROOT))
                                ? ontology.termNamed(text).orElse(text)
                                : id;
                        String studyKey = batches == null
                                ? s.studyId()
                                : s.studyId()
                                        + LabelledStudy.BATCH_SEPARATOR
                                        + batches.get(rows[r]).strip();
                        int studyCode = batchCode.computeIfAbsent(studyKey, k -> {
                            studyIds.add(k);
                            return studyIds.size() - 1;
                        });
                        int code = termCode.computeIfAbsent(term, t -> termCode.size());
                        termTexts.computeIfAbsent(term, t -> new TreeMap<>()).merge(text, 1, Integer::sum);
                        for (int q = ip[r]; q < ip[r + 1]; q++) {
                            indices.add(ix[q]);
                            values.add(vx[q]);
                        }
                        indptr.add(indices.size);
                        labelCodes.add(code);
                        studyCodes.add(studyCode);
                        cellIds.add(s.studyId() + ":" + chunk.cellIds().get(r));
                    }
                }
            }
        }
        if (labelCodes.size == 0) {
            throw new PoisonInputException("none of the studies " + studyIds
                    + " has a labelled cell passing QC; check the label columns and the QC thresholds");
        }
        List<String> terms = new ArrayList<>(termCode.keySet());
        List<String> names = new ArrayList<>();
        for (String t : terms) {
            names.add(ontology.name(t).orElseGet(() -> mostFrequent(termTexts.get(t))));
        }
        return new LabelledCells(
                genes,
                indptr.stream().mapToInt(Integer::intValue).toArray(),
                indices.toArray(),
                values.toArray(),
                labelCodes.toArray(),
                studyCodes.toArray(),
                cellIds,
                terms,
                names,
                studyIds);
    }

    private static String mostFrequent(Map<String, Integer> texts) {
        return texts.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue())
                .orElseThrow()
                .getKey();
    }

    private static List<String> column(StudyReader r, String name, String studyId) {
        if (!r.obsColumnNames().contains(name)) {
            throw new PoisonInputException("study " + studyId + ": obs column '" + name + "' not found (has "
                    + r.obsColumnNames() + "); fix columns.cellTypeLabel / cellOntologyId in study.json");
        }
        return r.obsColumn(name);
    }

    private static final class IntBuf {
        int[] a = new int[1024];
        int size;

        void add(int v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }

    private static final class FloatBuf {
        float[] a = new float[1024];
        int size;

        void add(float v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
