package org.liveatlas.core.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.ontology.CellOntology;

/** Harmonised labels: cells vote by ontology id or normalised author label and are shown by a name. */
class LabelNamesTest {

    @Test
    void keysAreIdsOrNormalisedLabelsAndNamesComeFromTheOntologyOrTheMostUsedSpelling() {
        LabelNames names = new LabelNames(CellOntology.bundled());
        // two studies name CD8 T cells differently but give the same id (one as an underscore form)
        assertThat(names.add("CD8 T", "CL:0000625")).isEqualTo("CL:0000625");
        assertThat(names.add("cytotoxic T", "CL_0000625")).isEqualTo("CL:0000625");
        assertThat(names.name("CL:0000625"))
                .isEqualTo(CellOntology.bundled().name("CL:0000625").orElseThrow());
        assertThat(names.ontologyId("CL:0000625")).isEqualTo("CL:0000625");
        // without ids: case and runs of spaces are ignored, the most used spelling names the key
        assertThat(names.add("B  cell", null)).isEqualTo("b cell");
        names.add("B cell", "");
        names.add("B cell", null);
        assertThat(names.name("b cell")).isEqualTo("B cell");
        assertThat(names.ontologyId("b cell")).isNull();
        // an id the ontology does not know is named by its cells' labels
        names.add("mystery", "CL:9999999");
        assertThat(names.name("CL:9999999")).isEqualTo("mystery");
        assertThat(names.add("  ", null)).isNull();
        assertThat(names.name("never seen")).isEqualTo("never seen");
    }

    @Test
    void aVoteOverKeysIsShownByNamesAndKeysSharingANamePoolTheirHits() {
        List<Neighbour> neighbours = List.of(
                new Neighbour("CL:0000625", 0.01), new Neighbour("CL:0000625", 0.02), new Neighbour("b cell", 0.03));
        CellVote v = KnnVote.vote(neighbours, VoteOptions.defaults().withK(3));
        CellVote shown = v.named(k -> k.equals("CL:0000625") ? "CD8-positive, alpha-beta T cell" : "B cell");
        assertThat(shown.label()).isEqualTo("CD8-positive, alpha-beta T cell");
        assertThat(shown.votedLabel()).isEqualTo("CD8-positive, alpha-beta T cell");
        assertThat(shown.hits())
                .containsExactly(Map.entry("CD8-positive, alpha-beta T cell", 2), Map.entry("B cell", 1));
        assertThat(shown.vsAll()).isEqualTo(v.vsAll());
        CellVote pooled = v.named(k -> "T or B");
        assertThat(pooled.hits()).containsExactly(Map.entry("T or B", 3));
    }
}
