package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.liveatlas.schemas.Contract;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.SchemaValidator;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

class StudyOptionsTest {
    @Test
    void withoutOptionsTheStudyIsPublicHumanAndTitledByItsId() {
        StudyMetadata metadata = StudyOptions.none().toMetadata("pbmc-1");

        assertThat(metadata).isEqualTo(StudyMetadata.minimal("pbmc-1", "pbmc-1", "Homo sapiens"));
        assertThat(SchemaValidator.shared().validate(Contract.STUDY_METADATA, Json.tree(metadata)))
                .isEmpty();
        assertThat(StudyOptions.none().any()).isFalse();
        assertThat(StudyOptions.none().defaultsUsed())
                .containsExactly(
                        "title = the study id (--title)",
                        "organism Homo sapiens (--organism)",
                        "visibility public (--private --owner GROUP)");
    }

    @Test
    void everyOptionLandsInItsStudyJsonFieldAndPassesTheSchema() {
        StudyOptions options = StudyOptions.builder()
                .title("Kang 2018 PBMC")
                .organism("Mus musculus")
                .tissue("blood")
                .disease("lupus")
                .assay("10x 3' v2")
                .labelColumn("cell_type")
                .ontologyColumn("cell_type_ontology_term_id")
                .donorColumn("donor_id")
                .reference(true)
                .privateStudy(true)
                .owner("lab7")
                .build();

        StudyMetadata metadata = options.toMetadata("kang-2018");

        assertThat(metadata)
                .isEqualTo(new StudyMetadata(
                        1,
                        "kang-2018",
                        "Kang 2018 PBMC",
                        null,
                        "Mus musculus",
                        "blood",
                        "lupus",
                        "10x 3' v2",
                        new ObsColumns("donor_id", null, "cell_type", "cell_type_ontology_term_id"),
                        true,
                        Visibility.PRIVATE,
                        "lab7"));
        JsonNode json = Json.tree(metadata);
        assertThat(SchemaValidator.shared().validate(Contract.STUDY_METADATA, json))
                .isEmpty();
        assertThat(json.at("/columns/cellTypeLabel").asText()).isEqualTo("cell_type");
        assertThat(json.at("/visibility").asText()).isEqualTo("private");
        assertThat(options.given())
                .containsExactly(
                        "--title",
                        "--organism",
                        "--tissue",
                        "--disease",
                        "--assay",
                        "--label-column",
                        "--ontology-column",
                        "--donor-column",
                        "--reference",
                        "--private",
                        "--owner");
        assertThat(options.namedColumns())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("--label-column", "cell_type"),
                        org.assertj.core.api.Assertions.entry("--ontology-column", "cell_type_ontology_term_id"),
                        org.assertj.core.api.Assertions.entry("--donor-column", "donor_id"));
        assertThat(options.defaultsUsed()).isEmpty();
    }

    @Test
    void aReferenceWithoutALabelColumnIsRefusedNamingTheOptionAndTheFix() {
        StudyOptions options = StudyOptions.builder().reference(true).build();

        assertThat(options.problems("s1"))
                .singleElement()
                .asString()
                .startsWith("--reference needs --label-column COLUMN")
                .contains("add it (e.g. --label-column cell_type) or drop --reference");
        assertThatThrownBy(() -> options.toMetadata("s1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--reference needs --label-column");
    }

    @Test
    void aPrivateStudyWithoutAnOwnerIsRefusedNamingTheOptionAndTheFix() {
        assertThat(StudyOptions.builder().privateStudy(true).build().problems("s1"))
                .singleElement()
                .asString()
                .startsWith("--private needs --owner GROUP")
                .contains("or drop --private");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        StudyOptions options = StudyOptions.builder()
                .reference(true)
                .privateStudy(true)
                .title(" ")
                .build();

        assertThat(options.problems("s1"))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("--reference"))
                .anySatisfy(p -> assertThat(p).startsWith("--private"))
                .anySatisfy(p -> assertThat(p).startsWith("--title is blank"));
    }

    @Test
    void anOwnerWithoutPrivateKeepsTheStudyPublicAndOwned() {
        StudyMetadata metadata = StudyOptions.builder().owner("lab7").build().toMetadata("s1");

        assertThat(metadata.visibility()).isEqualTo(Visibility.PUBLIC);
        assertThat(metadata.ownerGroup()).isEqualTo("lab7");
    }

    @Test
    void schemaErrorsAreReportedAgainstTheOptionThatCausedThem() {
        StudyOptions options = StudyOptions.builder()
                .owner("lab 7!")
                .tissue("")
                .labelColumn("x".repeat(300))
                .build();

        assertThat(options.problems("s1"))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("--owner (study.json /ownerGroup): "))
                .anySatisfy(p -> assertThat(p).startsWith("--tissue (study.json /tissue): "))
                .anySatisfy(p -> assertThat(p).startsWith("--label-column (study.json /columns/cellTypeLabel): "));
    }

    @Test
    void anInvalidStudyIdIsRefusedByToMetadata() {
        assertThatThrownBy(() -> StudyOptions.none().toMetadata("../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path traversal");
    }
}
