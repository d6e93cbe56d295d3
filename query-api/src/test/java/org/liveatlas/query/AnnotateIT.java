package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.TenxH5Writer;
import org.liveatlas.core.synth.TenxWriter;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/** Annotation of uploads against the labelled reference in the real index. */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class AnnotateIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static final int SMALL = 150;
    static Path dir;
    static Path small;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("annotate-it-");
        small = ATLAS.writeQuery(dir.resolve("query.h5ad"), 0, SMALL);
    }

    static Response upload(String key, Path file, Map<String, ?> fields, String query) {
        var req = as(key).multiPart("file", file.toFile());
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            List<?> values = e.getValue() instanceof List<?> l ? l : List.of(e.getValue());
            for (Object v : values) {
                req = req.multiPart(e.getKey(), v.toString());
            }
        }
        return req.when().post("/v1/annotate" + query);
    }

    @Test
    void annotatesKnownTypesRightAndTheAbsentTypeAsUnknown() {
        Response r = upload(OUTSIDER_KEY, small, Map.of(), "");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Score s = score(r);
        assertThat(s.knownAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(s.absentUnknown()).isGreaterThanOrEqualTo(0.9);
        assertThat(r.jsonPath().getString("model_version")).isEqualTo(SyntheticAtlas.MODEL_VERSION);
        assertThat(r.jsonPath().getInt("cells_annotated")).isEqualTo(SMALL);
        assertThat(r.jsonPath().getDouble("unknown_threshold"))
                .isCloseTo(ATLAS.unknownThreshold(), org.assertj.core.data.Offset.offset(1e-6));
        Map<String, Object> first = r.jsonPath().getMap("cells[0]");
        assertThat(first).containsKeys("min_dist", "max_dist", "vs2nd", "vs_all", "vs2nd_weighted", "vs_all_weighted");
    }

    @Test
    void aPrivateReferenceVotesOnlyForItsGroup() {
        Response r = upload(MEMBER_KEY, small, Map.of(), "");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<String> ids = r.jsonPath().getList("cells.cell_id");
        List<String> labels = r.jsonPath().getList("cells.label");
        int absent = 0;
        int named = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (truth(ids.get(i)).equals(ATLAS.absentLabel())) {
                absent++;
                named += labels.get(i).equals(ATLAS.absentLabel()) ? 1 : 0;
            }
        }
        assertThat(absent).isPositive();
        assertThat((double) named / absent).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void safelistAndBlocklistChangeTheVoteInsideTheSearch() {
        String t0 = ATLAS.typeNames().get(0);
        String t1 = ATLAS.typeNames().get(1);
        Response safe = upload(OUTSIDER_KEY, small, Map.of("safelist", List.of(t0, t1)), "");
        assertThat(safe.statusCode()).as(safe.asString()).isEqualTo(200);
        List<String> voted = safe.jsonPath().getList("cells.voted_label");
        assertThat(voted).containsOnly(t0, t1);
        // with only two labels allowed, every neighbour is of those labels: each cell's k voters
        assertThat(safe.jsonPath().getList("cells.neighbours", Integer.class)).containsOnly(50);

        Response block = upload(OUTSIDER_KEY, small, Map.of("blocklist", t0), "");
        assertThat(block.statusCode()).as(block.asString()).isEqualTo(200);
        List<String> ids = block.jsonPath().getList("cells.cell_id");
        List<String> blocked = block.jsonPath().getList("cells.voted_label");
        assertThat(blocked).doesNotContain(t0);
        Response plain = upload(OUTSIDER_KEY, small, Map.of(), "");
        List<String> before = plain.jsonPath().getList("cells.voted_label");
        for (int i = 0; i < ids.size(); i++) {
            if (!truth(ids.get(i)).equals(t0) && !truth(ids.get(i)).equals(ATLAS.absentLabel())) {
                assertThat(blocked.get(i)).as("cell %s", ids.get(i)).isEqualTo(before.get(i));
            }
        }
        assertThat(before).contains(t0);
    }

    @Test
    void clusterColumnGivesEachClusterOneConsensusLabel() {
        Response r = upload(OUTSIDER_KEY, small, Map.of("cluster_column", "cluster"), "");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<Map<String, Object>> clusters = r.jsonPath().getList("clusters");
        assertThat(clusters).isNotEmpty();
        for (Map<String, Object> c : clusters) {
            int type = Integer.parseInt(((String) c.get("cluster")).substring(1));
            String expected = type == SyntheticAtlas.ABSENT_TYPE
                    ? SyntheticAtlas.unknown()
                    : ATLAS.typeNames().get(type);
            assertThat(c.get("label")).as("cluster %s", c.get("cluster")).isEqualTo(expected);
        }
        assertThat(r.jsonPath().getString("cells[0].cluster_label")).isNotBlank();
    }

    @Test
    void jsonCountsAnnotateLikeTheSameCellsInAFileAndCsvIsOffered() {
        Map<String, Object> counts = map(
                "genes", ATLAS.genes(),
                "cell_ids", ATLAS.study(SyntheticAtlas.QUERY_STUDY).cellIds().subList(0, 40),
                "counts", ATLAS.queryCounts(0, 40));
        Response json = postJson(OUTSIDER_KEY, "/v1/annotate", map("counts", counts));
        assertThat(json.statusCode()).as(json.asString()).isEqualTo(200);
        Response file = upload(OUTSIDER_KEY, small, Map.of(), "");
        assertThat(json.jsonPath().getList("cells.label"))
                .isEqualTo(file.jsonPath().getList("cells.label").subList(0, 40));

        Response csv = upload(OUTSIDER_KEY, small, Map.of(), "?format=csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.asString().lines().toList();
        assertThat(lines.get(0)).startsWith("cell_id,label,voted_label,unknown,min_dist");
        assertThat(lines).hasSize(SMALL + 1);
    }

    @Test
    void aZipped10xFolderIsAnnotated() throws IOException {
        SyntheticStudy q = ATLAS.study(SyntheticAtlas.QUERY_STUDY);
        Path tenx = dir.resolve("tenx/filtered_feature_bc_matrix");
        TenxWriter.write(
                tenx,
                SyntheticAtlas.slice(q.counts(), 0, 60),
                q.cellIds().subList(0, 60),
                q.genes().ids(),
                q.genes().symbols());
        Path zip = dir.resolve("tenx.zip");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out);
                Stream<Path> files = Files.list(tenx)) {
            for (Path f : files.toList()) {
                z.putNextEntry(new ZipEntry("filtered_feature_bc_matrix/" + f.getFileName()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        assertAnnotatedLikeTheFirstCellsOfTheH5ad(zip, 60);
    }

    @Test
    void aTenxH5FileIsAnnotatedLikeTheSameCellsInAnH5ad() {
        SyntheticStudy q = ATLAS.study(SyntheticAtlas.QUERY_STUDY);
        Path h5 = dir.resolve("filtered_feature_bc_matrix.h5");
        TenxH5Writer.write(
                h5,
                SyntheticAtlas.slice(q.counts(), 0, 60),
                q.cellIds().subList(0, 60),
                q.genes().ids(),
                q.genes().symbols());
        assertAnnotatedLikeTheFirstCellsOfTheH5ad(h5, 60);
    }

    @Test
    void aLargeUploadRunsAsAJobWithProgressVisibleOnlyToItsOwner() throws Exception {
        Path large = ATLAS.writeQuery(dir.resolve("large.h5ad"), 0, SyntheticAtlas.CELLS_PER_STUDY);
        Response r = upload(OUTSIDER_KEY, large, Map.of(), "");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        String location = r.header("Location");
        assertThat(location).matches(".*/v1/jobs/[0-9a-f-]{36}");
        assertThat(r.header("Retry-After")).isEqualTo("2"); // when to poll the job first
        String path = location.substring(location.indexOf("/v1/jobs/"));
        String state = "";
        for (int i = 0; i < 600 && !state.equals("succeeded") && !state.equals("failed"); i++) {
            Response s = as(OUTSIDER_KEY).get(path);
            assertThat(s.statusCode()).isEqualTo(200);
            state = s.jsonPath().getString("state");
            // a job still queued or running says when to ask again; a finished one does not
            assertThat(s.header("Retry-After"))
                    .isEqualTo(state.equals("succeeded") || state.equals("failed") ? null : "2");
            assertThat(s.jsonPath().getInt("cells_total")).isEqualTo(SyntheticAtlas.CELLS_PER_STUDY);
            assertThat(s.jsonPath().getDouble("progress")).isBetween(0.0, 1.0);
            Thread.sleep(200);
        }
        assertThat(state).isEqualTo("succeeded");
        as(MEMBER_KEY).get(path).then().statusCode(404);
        Response result = as(OUTSIDER_KEY).get(path + "/result");
        assertThat(result.statusCode()).isEqualTo(200);
        Score s = score(result);
        assertThat(s.knownAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(s.absentUnknown()).isGreaterThanOrEqualTo(0.9);
        Response csv = as(OUTSIDER_KEY).get(path + "/result?format=csv");
        assertThat(csv.asString().lines().count()).isEqualTo(SyntheticAtlas.CELLS_PER_STUDY + 1);

        // the .h5ad form: every cell with its call and statistics in obs, its embedding in obsm
        Response h5ad = as(OUTSIDER_KEY).get(path + "/result?format=h5ad");
        assertThat(h5ad.statusCode()).isEqualTo(200);
        assertThat(h5ad.contentType()).startsWith("application/x-hdf5");
        Path file = dir.resolve("result.h5ad");
        Files.write(file, h5ad.asByteArray());
        List<String> ids = result.jsonPath().getList("cells.cell_id");
        List<String> labels = result.jsonPath().getList("cells.label");
        List<String> voted = result.jsonPath().getList("cells.voted_label");
        List<Float> minDist = result.jsonPath().getList("cells.min_dist", Float.class);
        try (HdfFile h = new HdfFile(file)) {
            assertThat((String[]) ((Dataset) h.getByPath("obs/_index")).getData())
                    .containsExactlyElementsOf(ids);
            assertThat((String[]) ((Dataset) h.getByPath("obs/celltype_call")).getData())
                    .containsExactlyElementsOf(labels);
            assertThat((String[]) ((Dataset) h.getByPath("obs/celltype_hint")).getData())
                    .containsExactlyElementsOf(voted);
            double[] d = (double[]) ((Dataset) h.getByPath("obs/min_dist")).getData();
            for (int i = 0; i < d.length; i++) {
                assertThat(d[i]).isCloseTo(minDist.get(i), org.assertj.core.data.Offset.offset(1e-5));
            }
            int[] unknown = (int[]) ((Dataset) h.getByPath("obs/unknown")).getData();
            assertThat(unknown).hasSize(ids.size());
            float[][] emb = (float[][]) ((Dataset) h.getByPath("obsm/X_scimilarity")).getData();
            assertThat(emb).hasNumberOfRows(ids.size());
            for (float[] v : emb) {
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                assertThat(v).hasSize(SyntheticAtlas.LATENT);
                assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        // ... and it is the upload with those additions: its counts in X, its genes in var, its obs columns
        try (StudyReader upload = StudyReaders.open(large);
                StudyReader back = StudyReaders.open(file)) {
            assertThat(back.cellIds()).containsExactlyElementsOf(ids);
            assertThat(back.geneSymbols()).containsExactlyElementsOf(upload.geneSymbols());
            assertThat(back.obsColumnNames()).contains("celltype_hint", "min_dist");
            assertThat(back.obsColumnNames()).containsAll(upload.obsColumnNames());
            Map<String, Integer> rowOf = new java.util.HashMap<>();
            for (int i = 0; i < upload.cellIds().size(); i++) {
                rowOf.put(upload.cellIds().get(i), i);
            }
            float[] uploaded = denseCounts(upload);
            float[] returned = denseCounts(back);
            int genes = upload.geneCount();
            for (int i = 0; i < ids.size(); i++) {
                int row = rowOf.get(ids.get(i));
                assertThat(java.util.Arrays.copyOfRange(returned, i * genes, (i + 1) * genes))
                        .as("counts of " + ids.get(i))
                        .containsExactly(java.util.Arrays.copyOfRange(uploaded, row * genes, (row + 1) * genes));
            }
            for (String column : upload.obsColumnNames()) {
                List<String> before = upload.obsColumn(column);
                List<String> after = back.obsColumn(column);
                for (int i = 0; i < ids.size(); i++) {
                    assertThat(after.get(i)).isEqualTo(before.get(rowOf.get(ids.get(i))));
                }
            }
        }
        Response byAccept = as(OUTSIDER_KEY).accept("application/x-hdf5").get(path + "/result");
        assertThat(byAccept.contentType()).startsWith("application/x-hdf5");
        assertThat(byAccept.asByteArray()).hasSameSizeAs(h5ad.asByteArray());
    }

    /** {@code file} (the first {@code cells} query cells in another format) gets the h5ad's labels. */
    private static void assertAnnotatedLikeTheFirstCellsOfTheH5ad(Path file, int cells) {
        Response r = upload(OUTSIDER_KEY, file, Map.of(), "");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getInt("cells_annotated")).isEqualTo(cells);
        Response h5ad = upload(OUTSIDER_KEY, small, Map.of(), "");
        assertThat(r.jsonPath().getList("cells.label"))
                .isEqualTo(h5ad.jsonPath().getList("cells.label").subList(0, cells));
    }

    private static float[] denseCounts(StudyReader reader) {
        float[] out = new float[reader.cellCount() * reader.geneCount()];
        int[] at = {0};
        reader.batches(1024).forEachRemaining(b -> {
            float[] d = b.toDense();
            System.arraycopy(d, 0, out, at[0], d.length);
            at[0] += d.length;
        });
        return out;
    }

    record Score(double knownAccuracy, double absentUnknown) {}

    static Score score(Response r) {
        List<String> ids = r.jsonPath().getList("cells.cell_id");
        List<String> labels = r.jsonPath().getList("cells.label");
        int known = 0;
        int right = 0;
        int absent = 0;
        int unknown = 0;
        for (int i = 0; i < ids.size(); i++) {
            String t = truth(ids.get(i));
            if (t.equals(ATLAS.absentLabel())) {
                absent++;
                unknown += labels.get(i).equals(SyntheticAtlas.unknown()) ? 1 : 0;
            } else {
                known++;
                right += labels.get(i).equals(t) ? 1 : 0;
            }
        }
        assertThat(known).isPositive();
        assertThat(absent).isPositive();
        return new Score((double) right / known, (double) unknown / absent);
    }

    static String truth(String cellId) {
        return ATLAS.label(
                SyntheticAtlas.QUERY_STUDY,
                ATLAS.study(SyntheticAtlas.QUERY_STUDY).cellIds().indexOf(cellId));
    }
}
