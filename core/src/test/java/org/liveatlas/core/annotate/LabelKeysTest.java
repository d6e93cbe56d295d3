package org.liveatlas.core.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelKeysTest {

    @Test
    void anOntologyIdWinsOverTheAuthorLabelInEveryWrittenForm() {
        assertThat(LabelKeys.key("CD4 T cell", "CL:0000624")).isEqualTo("CL:0000624");
        assertThat(LabelKeys.key("CD4-positive, alpha-beta T cell", "CL_0000624"))
                .isEqualTo("CL:0000624");
        assertThat(LabelKeys.key("x", "http://purl.obolibrary.org/obo/CL_0000624"))
                .isEqualTo("CL:0000624");
        assertThat(LabelKeys.key("x", " cl:0000624 ")).isEqualTo("CL:0000624");
    }

    @Test
    void withoutAnIdTheAuthorLabelVotesNormalised() {
        assertThat(LabelKeys.key("  CD4   T\tcell ", null)).isEqualTo("cd4 t cell");
        assertThat(LabelKeys.key("CD4 T cell", "  ")).isEqualTo(LabelKeys.key("cd4 t CELL", null));
        assertThat(LabelKeys.key("CD4 T cell", null)).isNotEqualTo(LabelKeys.key("CD8 T cell", null));
        assertThat(LabelKeys.key(null, null)).isNull();
        assertThat(LabelKeys.key(" ", "")).isNull();
    }
}
