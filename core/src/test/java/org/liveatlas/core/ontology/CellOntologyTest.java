package org.liveatlas.core.ontology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.AtlasException;

class CellOntologyTest {

    private static final List<String> OBO = List.of(
            "format-version: 1.2",
            "ontology: cl/cl-basic",
            "",
            "[Term]",
            "id: CL:0000000",
            "name: cell",
            "",
            "[Term]",
            "id: CL:0000738",
            "name: leukocyte",
            "is_a: CL:0000000 ! cell",
            "",
            "[Term]",
            "id: CL:0000084",
            "name: T cell",
            "is_a: CL:0000738 ! leukocyte",
            "",
            "[Term]",
            "id: CL:0000624",
            "name: CD4-positive, alpha-beta T cell",
            "is_a: CL:0000084 ! T cell",
            "",
            "[Term]",
            "id: CL:0000236",
            "name: B cell",
            "relationship: develops_from CL:0000738 ! leukocyte",
            "",
            "[Term]",
            "id: CL:9999999",
            "name: obsolete thing",
            "is_a: CL:0000084",
            "is_obsolete: true",
            "",
            "[Typedef]",
            "id: develops_from",
            "name: develops from");

    @Test
    void readsTermsNamesAndTransitiveAncestors() {
        CellOntology o = CellOntology.parse(OBO, "cl-basic.obo");
        assertThat(o.size()).isEqualTo(5);
        assertThat(o.name("CL:0000624")).contains("CD4-positive, alpha-beta T cell");
        assertThat(o.ancestors("CL:0000624")).containsExactlyInAnyOrder("CL:0000084", "CL:0000738", "CL:0000000");
        assertThat(o.contains("CL:9999999")).isFalse();
    }

    @Test
    void relatesAncestorsAndDescendantsButNotSiblings() {
        CellOntology o = CellOntology.parse(OBO, "cl-basic.obo");
        assertThat(o.related("CL:0000624", "CL:0000738")).isTrue();
        assertThat(o.related("CL:0000738", "CL:0000624")).isTrue();
        assertThat(o.related("CL:0000624", "CL:0000236")).isFalse();
        // relationship lines count as edges, as obonet reads them for SCimilarity
        assertThat(o.related("CL:0000236", "CL:0000738")).isTrue();
    }

    @Test
    void withoutAnOntologyOnlyEqualLabelsAreRelated() {
        CellOntology o = CellOntology.none();
        assertThat(o.related("B cell", "B cell")).isTrue();
        assertThat(o.related("T cell", "CD4 T cell")).isFalse();
    }

    @Test
    void rejectsATextWithoutTerms() {
        assertThatThrownBy(() -> CellOntology.parse(List.of("hello"), "x.obo"))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("x.obo")
                .hasMessageContaining("[Term]");
    }

    @Test
    void theCommittedPbmcExtractPlacesBroadLabelsAtTheirCommonAncestor() {
        CellOntology o = CellOntology.bundled();
        // label_map.tsv: every CL id of the PBMC sets is a term
        for (String id : List.of(
                "CL:0000624", "CL:0000625", "CL:0000236", "CL:0000623", "CL:0001054", "CL:0002396", "CL:0000576")) {
            assertThat(o.contains(id)).as(id).isTrue();
        }
        // SAVERCAT's "T/NK cell" has no CL id: the synonym puts it at lymphocyte
        assertThat(o.termNamed("T/NK cell")).contains("CL:0000542");
        assertThat(o.termNamed("B cell")).contains("CL:0000236");
        assertThat(o.termNamed("no such cell")).isEmpty();
        String tnk = o.termNamed("T/NK cell").orElseThrow();
        assertThat(o.related(tnk, "CL:0000624")).isTrue(); // CD4 T: never its negative
        assertThat(o.related(tnk, "CL:0000623")).isTrue(); // NK
        assertThat(o.related(tnk, "CL:0001054")).isFalse(); // CD14 monocyte: a valid negative
        // SAVERCAT's broad "monocyte" is an ancestor of both monocyte subsets, not of T cells
        assertThat(o.related("CL:0000576", "CL:0001054")).isTrue();
        assertThat(o.related("CL:0000576", "CL:0002396")).isTrue();
        assertThat(o.related("CL:0000576", "CL:0000625")).isFalse();
        assertThat(o.related("CL:0000624", "CL:0000625")).isFalse(); // CD4 vs CD8 stay negatives
    }

    @Test
    void aNameWinsOverAnotherTermsSynonym() {
        CellOntology o = CellOntology.parse(
                List.of(
                        "[Term]",
                        "id: CL:1",
                        "name: cell",
                        "synonym: \"T cell\" RELATED []",
                        "[Term]",
                        "id: CL:2",
                        "name: T cell",
                        "is_a: CL:1"),
                "x.obo");
        assertThat(o.termNamed("T cell")).contains("CL:2");
    }
}
