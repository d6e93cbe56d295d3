package org.liveatlas.query.expression;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.io.AnnDataWriter;
import org.liveatlas.core.io.PickedRows;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.CellMetadata;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.store.DepositFiles;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.store.ObjectLayout;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * The raw counts of chosen indexed cells as one AnnData {@code .h5ad}, read from the deposited studies' files in the
 * object store. The cells are looked up in the cells index through the caller's visibility filter (a hidden cell is
 * an unknown one); every involved study's deposit must still be the version its cells were indexed from (else 409,
 * or 410 when withdrawn), checked for all studies before any file is read. Studies are then read one at a time:
 * its data file downloaded into the work folder, only the wanted rows read, the file deleted. The counts of all
 * cells are held until the answer is written (about 8 bytes per stored count), which {@code expression.max-cells}
 * bounds.
 *
 * <p>The answer: {@code X} the counts as stored (float32 CSR), {@code obs} indexed by the requested ids in request
 * order with the index's metadata as strings ({@link #OBS_COLUMNS}), {@code var} indexed by the union of the
 * studies' gene names in order of first appearance (studies in the order of their first requested cell, each
 * study's genes in its own order) with {@code n_studies_measured}; a gene a study did not measure is absent (0) in
 * its cells, and a gene name a study lists twice is one column holding their sum. {@code uns/studies} is a
 * dataframe indexed by study id with {@code n_genes_measured}, {@code n_cells} and {@code deposit_version}.
 */
@ApplicationScoped
public class CellExpression {
    /** Columns of {@code obs}, strings, empty where the index holds no value. */
    public static final List<String> OBS_COLUMNS = List.of(
            "study_id",
            "cell_id",
            "sample",
            "donor",
            "tissue",
            "disease",
            "organism",
            "assay",
            "author_label",
            "author_label_ontology_id",
            "predicted_label",
            "model_version",
            "deposit_version",
            "ingest_time",
            "visibility");

    /** Ids named in a problem document at most. */
    static final int LISTED_IDS = 10;

    private static final Logger LOG = Logger.getLogger(CellExpression.class);
    private static final int LOOKUP_BATCH = 1000;
    private static final int CHUNK_ROWS = 1024;
    private static final Map<String, Function<CellMetadata, String>> FIELDS = fields();

    private final OpenSearchClient client;
    private final QueryConfig config;
    private final DepositFiles deposits;

    @Inject
    CellExpression(OpenSearchClient client, QueryConfig config, DepositFiles deposits) {
        this.client = client;
        this.config = config;
        this.deposits = deposits;
    }

    /**
     * Writes the counts of {@code ids} as seen by {@code caller} into a new {@code .h5ad} under the work folder and
     * returns it; the caller deletes it. Refusals are {@link ApiProblem}s: 400 (no ids, duplicates), 413 (more than
     * {@code max-cells}), 404 (unknown or hidden ids), 409/410 (a deposit changed or was withdrawn).
     */
    public Path write(Caller caller, List<String> ids) {
        long t0 = System.nanoTime();
        check(ids);
        Map<String, CellMetadata> found = lookup(caller, ids);
        refuseUnknown(ids, found);
        Map<String, List<Integer>> byStudy = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            byStudy.computeIfAbsent(found.get(ids.get(i)).studyId(), s -> new ArrayList<>())
                    .add(i);
        }
        List<DepositFiles.Deposit> studies = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byStudy.entrySet()) {
            studies.add(verified(e.getKey(), e.getValue(), ids, found));
        }
        Path work = config.expression().workDir();
        String name = UUID.randomUUID().toString();
        Path file = work.resolve("expression-" + name + ".h5ad");
        Path scratch = work.resolve("studies-" + name);
        try {
            Files.createDirectories(scratch);
            Answer answer = read(studies, byStudy, ids, found, scratch);
            try (AnnDataWriter w = AnnDataWriter.create(file)) {
                w.x(answer.counts())
                        .obs(ids, obs(ids, found))
                        .var(answer.genes(), Map.of("n_studies_measured", answer.measuredBy()))
                        .unsDataframe("studies", answer.studies(), answer.perStudy());
            }
            LOG.infof(
                    "expression of %d cells from %d studies (%d genes) written in %d ms",
                    ids.size(), studies.size(), answer.genes().size(), (System.nanoTime() - t0) / 1_000_000);
            return file;
        } catch (IOException e) {
            deleteQuietly(file);
            throw new UncheckedIOException("cannot write the expression answer under " + work, e);
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        } finally {
            deleteQuietly(scratch);
        }
    }

    private void check(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw ApiProblem.badRequest(
                            "no-cell-ids",
                            "cell_ids is empty; give the ids of the cells to fetch, <study>:<cell> as search results"
                                    + " return them")
                    .with("field", "cell_ids");
        }
        int max = config.expression().maxCells();
        if (ids.size() > max) {
            throw ApiProblem.of(
                            413,
                            "too-many-cells",
                            "Content too large",
                            "asked for " + ids.size() + " cells; at most " + max + " per request"
                                    + " (atlas.query.expression.max-cells); ask in batches of at most " + max
                                    + " cells, or raise atlas.query.expression.max-cells"
                                    + " (ATLAS_API_EXPRESSION_MAX_CELLS for ./atlas up)")
                    .with("requested", ids.size())
                    .with("limit", max);
        }
        if (ids.stream().anyMatch(id -> id == null || id.isBlank())) {
            throw ApiProblem.badRequest(
                            "invalid-value",
                            "cell_ids holds an empty id; give <study>:<cell> ids as search results return them")
                    .with("field", "cell_ids");
        }
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                repeated.add(id);
            }
        }
        if (!repeated.isEmpty()) {
            List<String> listed = repeated.stream().limit(LISTED_IDS).toList();
            throw ApiProblem.badRequest(
                            "duplicate-cell-ids",
                            repeated.size() + " cell id(s) appear more than once: " + String.join(", ", listed)
                                    + (repeated.size() > listed.size() ? ", ..." : "") + "; ask for each cell once")
                    .with("duplicate_cell_ids", listed)
                    .with("duplicate_count", repeated.size());
        }
    }

    private Map<String, CellMetadata> lookup(Caller caller, List<String> ids) {
        Map<String, CellMetadata> found = new HashMap<>();
        String index = config.opensearch().cellsIndex();
        for (int from = 0; from < ids.size(); from += LOOKUP_BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + LOOKUP_BATCH));
            Query q = CellIndex.filter(caller, SearchFilters.none(), false, Query.of(x -> x.ids(i -> i.values(batch))));
            SearchResponse<CellMetadata> r;
            try {
                r = client.search(
                        s -> s.index(index)
                                // before the first study is indexed there is no cells index: every id is unknown
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(batch.size())
                                .query(q)
                                .source(src -> src.filter(f -> f.excludes(IndexMappings.VECTOR_FIELD))),
                        CellMetadata.class);
            } catch (IOException e) {
                throw new TransientException("cells index " + index + " did not answer: " + e.getMessage(), e);
            }
            for (Hit<CellMetadata> h : r.hits().hits()) {
                if (h.source() != null && h.source().studyId() != null) {
                    found.put(h.id(), h.source());
                }
            }
        }
        return found;
    }

    // a hidden cell is refused exactly as an unknown one: same type, same words, counted together
    private static void refuseUnknown(List<String> ids, Map<String, CellMetadata> found) {
        List<String> unknown = ids.stream().filter(id -> !found.containsKey(id)).toList();
        if (unknown.isEmpty()) {
            return;
        }
        List<String> listed = unknown.subList(0, Math.min(LISTED_IDS, unknown.size()));
        throw ApiProblem.notFound(
                        "cells-not-found",
                        unknown.size() + " of the " + ids.size() + " cell ids are not in the index (or not visible"
                                + " to this key): " + String.join(", ", listed)
                                + (unknown.size() > listed.size() ? ", ..." : "")
                                + "; ids look like <study>:<cell barcode>, as search results return them; remove"
                                + " these ids and ask again")
                .with("unknown_cell_ids", listed)
                .with("unknown_count", unknown.size());
    }

    private DepositFiles.Deposit verified(
            String study, List<Integer> positions, List<String> ids, Map<String, CellMetadata> found) {
        DepositFiles.Deposit deposit = deposits.current(study);
        if (!deposit.present()) {
            throw ApiProblem.of(
                            410,
                            "study-withdrawn",
                            "Gone",
                            "study " + study + " was withdrawn: " + ObjectLayout.studyJsonKey(study) + " is no longer"
                                    + " in the object store, and its cells leave the index shortly; ask without its"
                                    + " cells")
                    .with("study_id", study);
        }
        for (int p : positions) {
            String indexed = found.get(ids.get(p)).depositVersion();
            if (!deposit.version().equals(indexed)) {
                throw ApiProblem.of(
                                409,
                                "deposit-changed",
                                "Conflict",
                                "study " + study + " was deposited again after its cells were indexed (cell "
                                        + ids.get(p) + " was indexed from "
                                        + (indexed == null ? "an unrecorded" : indexed)
                                        + " version, the store holds " + deposit.version() + "), so its rows may"
                                        + " differ; ask again once GET /v1/studies/" + study + " says indexed")
                        .with("study_id", study)
                        .with("indexed_version", indexed == null ? "" : indexed)
                        .with("stored_version", deposit.version());
            }
        }
        return deposit;
    }

    /** The counts of every requested cell, the union of gene names and what each study measured. */
    private record Answer(
            PickedRows counts,
            List<String> genes,
            int[] measuredBy,
            List<String> studies,
            Map<String, Object> perStudy) {}

    private Answer read(
            List<DepositFiles.Deposit> studies,
            Map<String, List<Integer>> byStudy,
            List<String> ids,
            Map<String, CellMetadata> found,
            Path scratch) {
        PickedRows counts = new PickedRows(ids.size(), 0);
        Map<String, Integer> genes = new LinkedHashMap<>();
        List<Integer> measuredBy = new ArrayList<>();
        int[] genesMeasured = new int[studies.size()];
        int[] cells = new int[studies.size()];
        List<String> versions = new ArrayList<>();
        for (int s = 0; s < studies.size(); s++) {
            DepositFiles.Deposit deposit = studies.get(s);
            String study = deposit.studyId();
            List<Integer> positions = byStudy.get(study);
            Path dir = scratch.resolve(study);
            try {
                Path input = deposits.download(deposit, dir);
                try (StudyReader reader = StudyReaders.open(input)) {
                    List<String> symbols = reader.geneSymbols();
                    int[] columnMap = new int[symbols.size()];
                    Set<String> own = new HashSet<>();
                    for (int g = 0; g < symbols.size(); g++) {
                        String symbol = symbols.get(g);
                        int column = genes.computeIfAbsent(symbol, k -> genes.size());
                        if (column == measuredBy.size()) {
                            measuredBy.add(0);
                        }
                        if (own.add(symbol)) {
                            measuredBy.set(column, measuredBy.get(column) + 1);
                        }
                        columnMap[g] = column;
                    }
                    counts.widen(genes.size());
                    int[][] rowsAndTargets = rows(reader, study, positions, ids, found);
                    counts.pick(reader, rowsAndTargets[0], rowsAndTargets[1], columnMap, CHUNK_ROWS);
                    genesMeasured[s] = own.size();
                    cells[s] = positions.size();
                    versions.add(deposit.version());
                }
            } catch (PoisonInputException e) {
                // indexed from this very version, so the file was readable then: the server's failure, not the caller's
                throw new IllegalStateException(
                        "study " + study + ": its deposited data cannot be read any more: "
                                + e.getMessage().replace(dir.toString() + "/", ObjectLayout.depositPrefix(study)),
                        e);
            } finally {
                deleteQuietly(dir);
            }
        }
        Map<String, Object> perStudy = new LinkedHashMap<>();
        perStudy.put("n_genes_measured", genesMeasured);
        perStudy.put("n_cells", cells);
        perStudy.put("deposit_version", versions);
        return new Answer(
                counts,
                List.copyOf(genes.keySet()),
                measuredBy.stream().mapToInt(Integer::intValue).toArray(),
                studies.stream().map(DepositFiles.Deposit::studyId).toList(),
                perStudy);
    }

    /** The study rows of the requested cells, increasing, and beside each the cell's place in the answer. */
    private static int[][] rows(
            StudyReader reader,
            String study,
            List<Integer> positions,
            List<String> ids,
            Map<String, CellMetadata> found) {
        Map<String, Integer> wanted = new HashMap<>();
        for (int p : positions) {
            wanted.put(cellId(ids.get(p), found.get(ids.get(p))), p);
        }
        List<String> cellIds = reader.cellIds();
        int[][] pairs = new int[positions.size()][];
        int n = 0;
        for (int row = 0; row < cellIds.size() && n < pairs.length; row++) {
            Integer p = wanted.remove(cellIds.get(row));
            if (p != null) {
                pairs[n++] = new int[] {row, p};
            }
        }
        if (!wanted.isEmpty()) {
            String cell = wanted.keySet().iterator().next();
            throw ApiProblem.of(
                            409,
                            "deposit-changed",
                            "Conflict",
                            "study " + study + ": its deposit holds no cell '" + cell + "' although the index has it"
                                    + " from the same deposit version; the study is being re-indexed, ask again later")
                    .with("study_id", study);
        }
        Arrays.sort(pairs, Comparator.comparingInt(a -> a[0]));
        int[] rows = new int[n];
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = pairs[i][0];
            targets[i] = pairs[i][1];
        }
        return new int[][] {rows, targets};
    }

    private static String cellId(String id, CellMetadata cell) {
        return cell.cellId() != null ? cell.cellId() : id.substring(id.indexOf(':') + 1);
    }

    private static Map<String, Object> obs(List<String> ids, Map<String, CellMetadata> found) {
        Map<String, Object> obs = new LinkedHashMap<>();
        for (String column : OBS_COLUMNS) {
            Function<CellMetadata, String> field = FIELDS.get(column);
            List<String> values = new ArrayList<>(ids.size());
            for (String id : ids) {
                values.add(Objects.requireNonNullElse(field.apply(found.get(id)), ""));
            }
            obs.put(column, values);
        }
        return obs;
    }

    private static Map<String, Function<CellMetadata, String>> fields() {
        Map<String, Function<CellMetadata, String>> f = new LinkedHashMap<>();
        f.put("study_id", CellMetadata::studyId);
        f.put("cell_id", CellMetadata::cellId);
        f.put("sample", CellMetadata::sample);
        f.put("donor", CellMetadata::donor);
        f.put("tissue", CellMetadata::tissue);
        f.put("disease", CellMetadata::disease);
        f.put("organism", CellMetadata::organism);
        f.put("assay", CellMetadata::assay);
        f.put("author_label", CellMetadata::authorLabel);
        f.put("author_label_ontology_id", CellMetadata::authorLabelOntologyId);
        f.put("predicted_label", CellMetadata::predictedLabel);
        f.put("model_version", CellMetadata::modelVersion);
        f.put("deposit_version", CellMetadata::depositVersion);
        f.put("ingest_time", CellMetadata::ingestTime);
        f.put("visibility", CellMetadata::visibility);
        if (!f.keySet().equals(new LinkedHashSet<>(OBS_COLUMNS))) {
            throw new IllegalStateException("obs columns and their fields disagree");
        }
        return Map.copyOf(f);
    }

    private static void deleteQuietly(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", path, e.getMessage());
        }
    }
}
