package org.liveatlas.query.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.annotate.ClusterCall;
import org.liveatlas.core.annotate.ConsensusMethod;

class AnnotationH5adTest {

    static AnnotationResult result() {
        List<CellAnnotation> cells = List.of(
                new CellAnnotation(
                        "AAAC-1",
                        "B cell",
                        "B cell",
                        "CL:0000236",
                        "CL:0000236",
                        false,
                        0.01,
                        0.2,
                        0.8,
                        0.9,
                        0.85,
                        0.95,
                        50,
                        "c1",
                        "B cell"),
                new CellAnnotation(
                        "AAAG-1",
                        "unknown",
                        "T cell",
                        null,
                        "CL:0000084",
                        true,
                        0.31,
                        0.5,
                        0.1,
                        0.4,
                        0.12,
                        0.45,
                        50,
                        "c1",
                        "B cell"),
                new CellAnnotation(
                        "AAAT-1", "unknown", null, null, null, true, null, null, null, null, null, null, 0, "c2",
                        "unknown"));
        List<float[]> emb = List.of(new float[] {1, 0, 0}, new float[] {0, 1, 0}, new float[] {0, 0.6f, 0.8f});
        return new AnnotationResult(
                "v7",
                0.25,
                new AnnotateOptions(50, null, null, null, "cluster", null, null),
                4,
                3,
                120,
                500,
                Map.of("unknown", 2L, "B cell", 1L),
                2 / 3.0,
                List.of(new ClusterCall(
                        "c1", "B cell", 0.5, 2, Map.of("B cell", 0.5), ConsensusMethod.MAJORITY_OF_CELLS)),
                new AnnotationResult.Reference("v7", "cells-v7", 1000),
                AnnotatedCells.of(cells, emb));
    }

    @Test
    void theH5adCarriesEveryCellsCallStatisticsAndEmbeddingUnderScimilaritysNames(@TempDir Path dir) {
        Path file = dir.resolve("annotation.h5ad");
        AnnotationH5ad.write(result(), file);
        try (HdfFile h = new HdfFile(file)) {
            assertThat(h.getAttribute("encoding-type").getData()).isEqualTo("anndata");
            assertThat(h.getAttribute("liveatlas_model_version").getData()).isEqualTo("v7");
            assertThat((String[]) ((Dataset) h.getByPath("obs/_index")).getData())
                    .containsExactly("AAAC-1", "AAAG-1", "AAAT-1");
            assertThat((String[]) ((Dataset) h.getByPath("obs/celltype_hint")).getData())
                    .containsExactly("B cell", "T cell", "");
            assertThat((String[]) ((Dataset) h.getByPath("obs/celltype_call")).getData())
                    .containsExactly("B cell", "unknown", "unknown");
            assertThat((String[]) ((Dataset) h.getByPath("obs/celltype_hint_ontology_id")).getData())
                    .containsExactly("CL:0000236", "CL:0000084", "");
            assertThat((int[]) ((Dataset) h.getByPath("obs/unknown")).getData()).containsExactly(0, 1, 1);
            double[] minDist = (double[]) ((Dataset) h.getByPath("obs/min_dist")).getData();
            assertThat(minDist[0]).isEqualTo(0.01);
            assertThat(minDist[1]).isEqualTo(0.31);
            assertThat(minDist[2]).isNaN();
            assertThat((double[]) ((Dataset) h.getByPath("obs/celltype_hint_stat")).getData())
                    .startsWith(0.9, 0.4);
            assertThat((String[]) ((Dataset) h.getByPath("obs/cluster_label")).getData())
                    .containsExactly("B cell", "B cell", "unknown");
            float[][] emb = (float[][]) ((Dataset) h.getByPath("obsm/X_scimilarity")).getData();
            assertThat(emb).hasDimensions(3, 3);
            assertThat(emb[2]).containsExactly(0f, 0.6f, 0.8f);
            assertThat((String[])
                            h.getByPath("obs").getAttribute("column-order").getData())
                    .startsWith(
                            "celltype_hint",
                            "celltype_call",
                            "celltype_hint_ontology_id",
                            "celltype_call_ontology_id",
                            "unknown",
                            "min_dist");
        }
    }

    @Test
    void anndataReadsTheH5adWithItsLabelsDistancesAndEmbeddings(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path file = dir.resolve("annotation.h5ad");
        AnnotationH5ad.write(result(), file);
        assertThat(readWithAnndata(file))
                .contains(
                        "n_obs=3",
                        "obs_names=AAAC-1,AAAG-1,AAAT-1",
                        "celltype_hint=B cell,T cell,",
                        "celltype_call=B cell,unknown,unknown",
                        "unknown=0,1,1",
                        "min_dist=0.0100,0.3100,nan",
                        "X_scimilarity_shape=3x3",
                        "X_scimilarity_row0=1.000,0.000,0.000");
    }

    @Test
    void withTheUploadAtHandTheH5adIsTheUploadWithItsCountsGenesAndObsColumnsPlusTheResults(@TempDir Path dir)
            throws IOException, InterruptedException {
        // the upload: four cells (one the annotation dropped), in another order than the result's
        Path upload = dir.resolve("upload.h5ad");
        org.liveatlas.core.synth.H5adWriter.write(
                upload,
                new org.liveatlas.core.matrix.CsrBatch(
                        4, 2, new int[] {0, 1, 2, 4, 5}, new int[] {0, 1, 0, 1, 1}, new float[] {3, 4, 5, 6, 7}),
                List.of("AAAT-1", "ZZZZ-1", "AAAC-1", "AAAG-1"),
                Map.of("donor", List.of("d3", "dz", "d1", "d2")),
                List.of("CD19", "CD3E"),
                Map.of("gene_ids", List.of("ENSG1", "ENSG2")));
        Path file = dir.resolve("annotation.h5ad");
        AnnotationH5ad.write(result(), upload, file);
        try (org.liveatlas.core.io.StudyReader back = org.liveatlas.core.io.StudyReaders.open(file)) {
            assertThat(back.cellIds()).containsExactly("AAAC-1", "AAAG-1", "AAAT-1");
            assertThat(back.geneSymbols()).containsExactly("CD19", "CD3E");
            assertThat(back.obsColumn("donor")).containsExactly("d1", "d2", "d3");
            assertThat(back.obsColumn("celltype_call")).containsExactly("B cell", "unknown", "unknown");
            float[] dense = back.batches(10).next().toDense();
            assertThat(dense).containsExactly(5, 6, 0, 7, 3, 0);
        }
        assertThat(readWithAnndata(file))
                .contains(
                        "n_obs=3",
                        "celltype_call=B cell,unknown,unknown",
                        "X_shape=3x2",
                        "var_names=CD19,CD3E",
                        "X_row_sums=11,7,3",
                        "X_scimilarity_shape=3x3");
    }

    /** The lines {@code src/test/python/read_annotation_h5ad.py} prints for {@code file} (skips without anndata). */
    private static java.util.stream.Stream<String> readWithAnndata(Path file) throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs Debian's /usr/bin/python3 with anndata");
        Assumptions.assumeTrue(
                new ProcessBuilder(python.toString(), "-c", "import anndata")
                                .start()
                                .waitFor()
                        == 0,
                "needs python3-anndata (apt-get install python3-anndata)");
        Process p = new ProcessBuilder(python.toString(), "src/test/python/read_annotation_h5ad.py", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines();
    }
}
