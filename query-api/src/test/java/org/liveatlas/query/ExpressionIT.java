package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.problem;
import static org.liveatlas.query.testing.AtlasTestResource.EXPRESSION_MAX_CELLS;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.jhdf.HdfFile;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.Deposits;
import org.liveatlas.query.testing.StackEndpoints;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * {@code POST /v1/cells/expression} against the deposited test atlas ({@link Deposits}: synth01 and the private
 * synth03 as .h5ad, synth02 as a 10x .h5 without its first genes): the counts read back with the core's reader equal
 * the deposited ones cell by cell and gene by gene, with the index's metadata, in request order; hidden cells are
 * unknown ones; duplicates, empty and oversized requests are refused; a changed or withdrawn deposit is a 409 or 410.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class ExpressionIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static final String PATH = "/v1/cells/expression";
    static final String TENX = Deposits.TENX_STUDY;

    @Inject
    StackEndpoints stack;

    @ConfigProperty(name = "atlas.query.expression.work-dir")
    Path workDir;

    /** Rows of {@code study} that are in the index, the first {@code n}, every {@code step}-th. */
    static List<Integer> indexedRows(String study, int n, int step) {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY && rows.size() < n; r += step) {
            if (ATLAS.indexed(study, r)) {
                rows.add(r);
            }
        }
        return rows;
    }

    static Path save(Response r, Path dir) throws IOException {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/x-hdf5");
        assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"cells.h5ad\"");
        Path file = dir.resolve("cells.h5ad");
        Files.write(file, r.asByteArray());
        return file;
    }

    /** Every cell's counts of the answer as gene name -> count, checking them against the deposits. */
    static void assertCountsAreTheDepositedOnes(StudyReader back, List<String> studies, List<Integer> rows) {
        List<String> genes = back.geneSymbols();
        Iterator<CsrBatch> it = back.batches(1000);
        CsrBatch all = it.next();
        assertThat(it.hasNext()).isFalse();
        assertThat(all.rows()).isEqualTo(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            SyntheticStudy s = ATLAS.study(studies.get(i));
            float[] deposited = s.counts().denseRow(rows.get(i));
            Map<String, Integer> column = new HashMap<>();
            List<String> measured = Deposits.depositedGenes(ATLAS, studies.get(i));
            List<String> symbols = s.genes().symbols();
            for (int g = 0; g < symbols.size(); g++) {
                column.put(symbols.get(g), g);
            }
            float[] got = all.denseRow(i);
            for (int g = 0; g < genes.size(); g++) {
                String gene = genes.get(g);
                float expected = measured.contains(gene) ? deposited[column.get(gene)] : 0f;
                assertThat(got[g])
                        .as("cell %s, gene %s", back.cellIds().get(i), gene)
                        .isEqualTo(expected);
            }
        }
    }

    void awaitWorkDirEmpty() throws Exception {
        long until = System.currentTimeMillis() + 5000;
        List<Path> left;
        do {
            try (Stream<Path> s = Files.exists(workDir) ? Files.walk(workDir) : Stream.empty()) {
                left = s.filter(Files::isRegularFile).toList();
            }
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.currentTimeMillis() < until);
        assertThat(left).as("files left in the expression work folder").isEmpty();
    }

    @Test
    void countsOfCellsFromTwoStudiesAreTheDepositedOnesInRequestOrderWithTheIndexsMetadata(@TempDir Path dir)
            throws Exception {
        // interleaved: the 10x study (fewer genes) first, so the union starts with its genes
        List<Integer> tenxRows = indexedRows(TENX, 8, 7);
        List<Integer> h5adRows = indexedRows("synth01", 8, 11);
        List<String> ids = new ArrayList<>();
        List<String> studies = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            for (String study : List.of(TENX, "synth01")) {
                int row = (study.equals(TENX) ? tenxRows : h5adRows).get(i);
                ids.add(ATLAS.docId(study, row));
                studies.add(study);
                rows.add(row);
            }
        }
        long t0 = System.nanoTime();
        Response r = postJson(OUTSIDER_KEY, PATH, map("cell_ids", ids));
        Path file = save(r, dir);
        System.out.printf(
                "expression of %d cells from 2 studies: %d ms, %d bytes%n",
                ids.size(), (System.nanoTime() - t0) / 1_000_000, Files.size(file));
        List<String> all = ATLAS.study("synth01").genes().symbols();
        List<String> tenxGenes = Deposits.depositedGenes(ATLAS, TENX);
        try (StudyReader back = StudyReaders.open(file)) {
            assertThat(back.countsLocation()).isEqualTo("X");
            assertThat(back.cellIds()).containsExactlyElementsOf(ids);
            List<String> union = new ArrayList<>(tenxGenes);
            union.addAll(all.subList(0, Deposits.UNMEASURED_IN_SYNTH02));
            assertThat(back.geneSymbols()).containsExactlyElementsOf(union);
            assertThat(back.varColumn("n_studies_measured"))
                    .containsExactlyElementsOf(IntStream.range(0, union.size())
                            .mapToObj(g -> g < tenxGenes.size() ? "2" : "1")
                            .toList());
            assertCountsAreTheDepositedOnes(back, studies, rows);
            assertThat(back.obsColumnNames())
                    .containsExactlyElementsOf(org.liveatlas.query.expression.CellExpression.OBS_COLUMNS);
            assertThat(back.obsColumn("study_id")).containsExactlyElementsOf(studies);
            for (int i = 0; i < ids.size(); i++) {
                SyntheticStudy s = ATLAS.study(studies.get(i));
                int row = rows.get(i);
                assertThat(back.obsColumn("cell_id").get(i))
                        .isEqualTo(s.cellIds().get(row));
                assertThat(back.obsColumn("author_label").get(i)).isEqualTo(ATLAS.label(studies.get(i), row));
                assertThat(back.obsColumn("donor").get(i))
                        .isEqualTo(s.obs().get(SyntheticStudy.DONOR).get(row));
                assertThat(back.obsColumn("sample").get(i))
                        .isEqualTo(s.obs().get(SyntheticStudy.SAMPLE).get(row));
                assertThat(back.obsColumn("tissue").get(i))
                        .isEqualTo(SyntheticAtlas.TISSUE_DISEASE.get(studies.get(i))[0]);
                assertThat(back.obsColumn("visibility").get(i)).isEqualTo("public");
                assertThat(back.obsColumn("deposit_version").get(i)).startsWith("sha256:");
            }
        }
        try (HdfFile h = new HdfFile(file)) {
            assertThat((String[]) h.getDatasetByPath("uns/studies/_index").getData())
                    .containsExactly(TENX, "synth01");
            assertThat((int[])
                            h.getDatasetByPath("uns/studies/n_genes_measured").getData())
                    .containsExactly(tenxGenes.size(), all.size());
            assertThat((int[]) h.getDatasetByPath("uns/studies/n_cells").getData())
                    .containsExactly(8, 8);
        }
        awaitWorkDirEmpty();
    }

    @Test
    void aPrivateCellIsRefusedToOutsidersExactlyAsAnUnknownOneAndServedToMembers(@TempDir Path dir) throws Exception {
        String priv = ATLAS.docId(
                SyntheticAtlas.PRIVATE_STUDY,
                indexedRows(SyntheticAtlas.PRIVATE_STUDY, 1, 1).get(0));
        String pub = ATLAS.docId("synth01", indexedRows("synth01", 1, 1).get(0));
        String unknown = "synth01:NO-SUCH-CELL";
        Response hidden = postJson(OUTSIDER_KEY, PATH, map("cell_ids", List.of(pub, priv)));
        Response absent = postJson(OUTSIDER_KEY, PATH, map("cell_ids", List.of(pub, unknown)));
        String hiddenDetail = problem(hidden, 404, "cells-not-found");
        String absentDetail = problem(absent, 404, "cells-not-found");
        assertThat(hidden.jsonPath().getList("unknown_cell_ids")).containsExactly(priv);
        assertThat(hidden.jsonPath().getInt("unknown_count")).isEqualTo(1);
        assertThat(hiddenDetail.replace(priv, "ID")).isEqualTo(absentDetail.replace(unknown, "ID"));
        assertThat(hidden.jsonPath().getMap("").keySet())
                .isEqualTo(absent.jsonPath().getMap("").keySet());

        int row = indexedRows(SyntheticAtlas.PRIVATE_STUDY, 1, 1).get(0);
        Path file = save(postJson(MEMBER_KEY, PATH, map("cell_ids", List.of(priv, pub))), dir);
        try (StudyReader back = StudyReaders.open(file)) {
            assertThat(back.cellIds()).containsExactly(priv, pub);
            assertThat(back.obsColumn("visibility")).containsExactly("private", "public");
            assertCountsAreTheDepositedOnes(
                    back,
                    List.of(SyntheticAtlas.PRIVATE_STUDY, "synth01"),
                    List.of(row, indexedRows("synth01", 1, 1).get(0)));
        }
    }

    @Test
    void unknownIdsAreA404NamingTenOfThemCountingAllAndSayingWhatIdsLookLike() {
        List<String> ids = new ArrayList<>();
        ids.add(ATLAS.docId("synth01", indexedRows("synth01", 1, 1).get(0)));
        for (int i = 0; i < 12; i++) {
            ids.add(i % 2 == 0 ? "synth01:missing-" + i : "not-an-id-" + i);
        }
        Response r = postJson(OUTSIDER_KEY, PATH, map("cell_ids", ids));
        String detail = problem(r, 404, "cells-not-found");
        assertThat(r.jsonPath().getInt("unknown_count")).isEqualTo(12);
        assertThat(r.jsonPath().getList("unknown_cell_ids", String.class))
                .containsExactlyElementsOf(ids.subList(1, 11));
        assertThat(detail).contains("12 of the 13", "<study>:<cell barcode>", "synth01:missing-0");
    }

    @Test
    void duplicatesEmptyAndOversizedRequestsAreRefusedNamingTheFix() {
        String a = ATLAS.docId("synth01", indexedRows("synth01", 1, 1).get(0));
        Response dup = postJson(OUTSIDER_KEY, PATH, map("cell_ids", List.of(a, "x:1", a, "x:1", "y:2")));
        assertThat(problem(dup, 400, "duplicate-cell-ids")).contains(a, "x:1", "once");
        assertThat(dup.jsonPath().getList("duplicate_cell_ids")).containsExactly(a, "x:1");

        assertThat(problem(postJson(OUTSIDER_KEY, PATH, map("cell_ids", List.of())), 400, "no-cell-ids"))
                .contains("cell_ids is empty");
        problem(postJson(OUTSIDER_KEY, PATH, map()), 400, "no-cell-ids");

        List<String> many = IntStream.rangeClosed(0, EXPRESSION_MAX_CELLS)
                .mapToObj(i -> "synth01:c" + i)
                .toList();
        Response big = postJson(OUTSIDER_KEY, PATH, map("cell_ids", many));
        String detail = problem(big, 413, "too-many-cells");
        assertThat(detail)
                .contains(
                        Integer.toString(EXPRESSION_MAX_CELLS + 1),
                        Integer.toString(EXPRESSION_MAX_CELLS),
                        "batches",
                        "atlas.query.expression.max-cells");
        assertThat(big.jsonPath().getInt("requested")).isEqualTo(EXPRESSION_MAX_CELLS + 1);
        assertThat(big.jsonPath().getInt("limit")).isEqualTo(EXPRESSION_MAX_CELLS);
    }

    @Test
    void aStudyDepositedAgainIsA409AndAWithdrawnOneA410UntilTheDepositIsBack(@TempDir Path dir) throws Exception {
        String id = ATLAS.docId("synth01", indexedRows("synth01", 1, 1).get(0));
        Map<String, Object> body = map("cell_ids", List.of(id));
        String extra = ObjectLayout.depositPrefix("synth01") + "notes.txt";
        String studyJson = ObjectLayout.studyJsonKey("synth01");
        try (MinioClient s3 = MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .build()) {
            String indexed = Deposits.version(s3, stack.bucket(), "synth01");
            try {
                Deposits.put(s3, stack.bucket(), extra, "a new file".getBytes());
                Response changed = postJson(OUTSIDER_KEY, PATH, body);
                assertThat(problem(changed, 409, "deposit-changed")).contains("synth01", "deposited again");
                assertThat(changed.jsonPath().getString("indexed_version")).isEqualTo(indexed);
                Deposits.remove(s3, stack.bucket(), extra);
                save(postJson(OUTSIDER_KEY, PATH, body), dir);

                Deposits.remove(s3, stack.bucket(), studyJson);
                assertThat(problem(postJson(OUTSIDER_KEY, PATH, body), 410, "study-withdrawn"))
                        .contains("synth01", "withdrawn");
            } finally {
                Deposits.remove(s3, stack.bucket(), extra);
                Deposits.put(s3, stack.bucket(), studyJson, Deposits.studyJson("synth01"));
            }
            assertThat(Deposits.version(s3, stack.bucket(), "synth01")).isEqualTo(indexed);
        }
        save(postJson(OUTSIDER_KEY, PATH, body), dir);
        awaitWorkDirEmpty();
    }
}
