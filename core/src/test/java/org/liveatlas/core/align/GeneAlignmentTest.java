package org.liveatlas.core.align;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.io.StudyFixtures;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.matrix.CsrBatch;

class GeneAlignmentTest {
    private static final AlignOptions SMALL = AlignOptions.DEFAULT.withMinSharedGenes(20);

    private static float[][] alignAll(StudyReader reader, GeneAlignment alignment, int chunk) {
        float[][] out = new float[reader.cellCount()][];
        int row = 0;
        for (Iterator<CsrBatch> it = reader.batches(chunk); it.hasNext(); ) {
            CsrBatch aligned = alignment.apply(it.next());
            assertThat(aligned.cols()).isEqualTo(alignment.modelGenes());
            for (int r = 0; r < aligned.rows(); r++) {
                out[row++] = aligned.denseRow(r);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"csr_float32.h5ad", "csc_float64.h5ad", "tenx_v3", "filtered_feature_bc_matrix.h5"})
    void alignsExactlyAsSCimilarityAfterSummingDuplicateSymbols(String name) {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study(name))) {
            GeneAlignment alignment = GeneAlignment.plan("s1", reader, StudyFixtures.modelGenes(), SMALL);
            assertThat(alignAll(reader, alignment, 9)).isDeepEqualTo(StudyFixtures.expected("aligned_counts.npy"));
        }
    }

    @Test
    void reportsSharedMissingDroppedAndSummedGenes() {
        GeneAlignment a = GeneAlignment.plan("s1", StudyFixtures.studyGenes(), StudyFixtures.modelGenes(), SMALL);
        // 30 model genes, 5 absent from the study; 33 study columns: 25 shared, 6 extra, 2 duplicates.
        assertThat(a.report()).isEqualTo(new AlignmentReport("s1", "gene names", 30, 33, 25, 5, 6, 2));
    }

    @Test
    void reportSerialisesToJsonAndSummarisesInOneLine() throws Exception {
        AlignmentReport report = new AlignmentReport("S1", "var index", 28_231, 20_000, 15_000, 13_231, 4_990, 10);
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(report);
        assertThat(text)
                .contains("\"sharedGenes\":15000", "\"geneNames\":\"var index\"")
                .doesNotContain("summary");
        assertThat(json.readValue(text, AlignmentReport.class)).isEqualTo(report);
        assertThat(report.summary())
                .isEqualTo("study S1: 15,000 of the model's 28,231 genes found (13,231 zero-filled); 4,990 of 20,000"
                        + " study genes dropped, 10 duplicate columns summed; matched on var index");
    }

    @Test
    void matchesEnsemblIndexedStudiesThroughTheirSymbolColumn() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("ensembl_index.h5ad"))) {
            GeneAlignment a = GeneAlignment.plan("ens", reader, StudyFixtures.modelGenes(), SMALL);
            assertThat(a.report().geneNames()).isEqualTo("var column 'gene_symbols'");
            assertThat(a.report().sharedGenes()).isEqualTo(25);
            assertThat(a.studySymbols()).isEqualTo(StudyFixtures.studyGenes());
            assertThat(alignAll(reader, a, 40)).isDeepEqualTo(StudyFixtures.expected("aligned_counts.npy"));
        }
    }

    @Test
    void matchesEnsemblOnlyStudiesThroughAnIdToSymbolTable(@TempDir Path tmp) throws IOException {
        // A 10x folder whose single feature column holds Ensembl ids (versioned, as some pipelines write).
        Path folder = Files.createDirectory(tmp.resolve("ids-only"));
        Files.copy(StudyFixtures.study("tenx_v2/matrix.mtx"), folder.resolve("matrix.mtx"));
        Files.copy(StudyFixtures.study("tenx_v2/barcodes.tsv"), folder.resolve("barcodes.tsv"));
        Map<String, String> table = IdToSymbolTable.read(StudyFixtures.study("ensembl_to_symbol.tsv"));
        assertThat(table)
                .hasSize(33)
                .containsEntry("ENSG00000900000", StudyFixtures.studyGenes().get(0));
        StringBuilder features = new StringBuilder();
        for (String line : StudyFixtures.lines("ensembl_to_symbol.tsv")) {
            features.append(line.split("\t")[0]).append(".3\n");
        }
        Files.writeString(folder.resolve("features.tsv"), features);
        try (StudyReader reader = StudyReaders.open(folder)) {
            assertThatThrownBy(() -> GeneAlignment.plan("ids", reader, StudyFixtures.modelGenes(), SMALL))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining("only 0 of the model's 30 genes found");
            GeneAlignment a =
                    GeneAlignment.plan("ids", reader, StudyFixtures.modelGenes(), SMALL.withIdToSymbol(table));
            assertThat(a.report().geneNames()).isEqualTo("gene ids via the id-to-symbol table");
            assertThat(alignAll(reader, a, 40)).isDeepEqualTo(StudyFixtures.expected("aligned_counts.npy"));
        }
    }

    @Test
    void rejectsAStudySharingTooFewGenesWithTheCountAndTheHint() {
        try (StudyReader reader = StudyReaders.open(StudyFixtures.study("few_shared.h5ad"))) {
            assertThatThrownBy(() -> GeneAlignment.plan("S12", reader, StudyFixtures.modelGenes(), SMALL))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageStartingWith(
                            "study S12: only 3 of the model's 30 genes found (need 20); are var names gene symbols?");
        }
    }

    @Test
    void defaultMinimumIsFiveThousandSharedGenes() {
        assertThat(AlignOptions.DEFAULT.minSharedGenes()).isEqualTo(5_000);
        assertThatThrownBy(() -> GeneAlignment.plan(
                        "S12", StudyFixtures.studyGenes(), StudyFixtures.modelGenes(), AlignOptions.DEFAULT))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageStartingWith(
                        "study S12: only 25 of the model's 30 genes found (need 5,000); are var names gene symbols?");
    }

    @Test
    void sumsDuplicateSymbolsAndZeroFillsMissingGenesInAHandBuiltCase() {
        List<String> model = List.of("A", "B", "C", "D");
        List<String> study = List.of("D", "X", "B", "D", "A");
        GeneAlignment a = GeneAlignment.plan("hand", study, model, AlignOptions.DEFAULT.withMinSharedGenes(1));
        // Row 0: D=1, X=5, B=2, D=3, A=4 -> A=4, B=2, C=0, D=4. Row 1: only X -> empty. Row 2: D=7 once.
        CsrBatch in = new CsrBatch(
                3, 5, new int[] {0, 5, 6, 7}, new int[] {0, 1, 2, 3, 4, 1, 3}, new float[] {1, 5, 2, 3, 4, 9, 7});
        CsrBatch out = a.apply(in);
        assertThat(out)
                .isEqualTo(
                        new CsrBatch(3, 4, new int[] {0, 3, 3, 4}, new int[] {0, 1, 3, 3}, new float[] {4, 2, 4, 7}));
        assertThat(a.report()).isEqualTo(new AlignmentReport("hand", "gene names", 4, 5, 3, 1, 1, 1));
        assertThat(a.columnMap()).containsExactly(3, -1, 1, 3, 0);
    }

    @Test
    void keepsABatchUnchangedWhenTheStudyAlreadyHasTheModelsOrder() {
        List<String> model = List.of("A", "B", "C");
        GeneAlignment a = GeneAlignment.plan("same", model, model, AlignOptions.DEFAULT.withMinSharedGenes(3));
        CsrBatch in = new CsrBatch(2, 3, new int[] {0, 2, 3}, new int[] {0, 2, 1}, new float[] {1, 2, 3});
        assertThat(a.apply(in)).isEqualTo(in);
    }

    @Test
    void refusesAModelGeneOrderWithARepeatedGene() {
        assertThatThrownBy(() -> GeneAlignment.plan(
                        "s", List.of("A"), List.of("A", "B", "A"), AlignOptions.DEFAULT.withMinSharedGenes(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'A' twice");
    }
}
