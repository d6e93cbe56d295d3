package org.liveatlas.ingest.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.schemas.Contract;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.SchemaValidator;
import org.liveatlas.schemas.ValidationError;
import org.liveatlas.schemas.store.StudyIds;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

/**
 * The study.json fields given as {@code atlas deposit} options instead of a study.json file; every field is null
 * (or false) when its option was not given. {@link #problems} names each option that is wrong and how to fix it;
 * {@link #toMetadata} builds the study.json, checked against the same schema ({@link Contract#STUDY_METADATA})
 * the ingest service applies.
 *
 * @param title {@code --title}; default: the study id
 * @param organism {@code --organism}; default: {@value #DEFAULT_ORGANISM}
 * @param tissue {@code --tissue}
 * @param disease {@code --disease}
 * @param assay {@code --assay}
 * @param labelColumn {@code --label-column}: obs column with the author's cell type labels
 * @param ontologyColumn {@code --ontology-column}: obs column with the labels' Cell Ontology ids
 * @param donorColumn {@code --donor-column}: obs column with the donor ids
 * @param reference {@code --reference}: the labels join the labelled reference (needs {@code --label-column})
 * @param privateStudy {@code --private}: only the owner group may see the study (needs {@code --owner})
 * @param owner {@code --owner}: the owner group, for public and private studies alike
 */
public record StudyOptions(
        String title,
        String organism,
        String tissue,
        String disease,
        String assay,
        String labelColumn,
        String ontologyColumn,
        String donorColumn,
        boolean reference,
        boolean privateStudy,
        String owner) {

    /** The organism written when {@code --organism} is not given. */
    public static final String DEFAULT_ORGANISM = "Homo sapiens";

    /** Where each study.json field comes from: JSON pointer to option name. */
    private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
            Map.entry("/studyId", "--study"),
            Map.entry("/title", "--title"),
            Map.entry("/organism", "--organism"),
            Map.entry("/tissue", "--tissue"),
            Map.entry("/disease", "--disease"),
            Map.entry("/assay", "--assay"),
            Map.entry("/columns/cellTypeLabel", "--label-column"),
            Map.entry("/columns/cellOntologyId", "--ontology-column"),
            Map.entry("/columns/donor", "--donor-column"),
            Map.entry("/reference", "--reference"),
            Map.entry("/visibility", "--private"),
            Map.entry("/ownerGroup", "--owner"));

    /** No option given: a public study titled by its id, organism {@value #DEFAULT_ORGANISM}. */
    public static StudyOptions none() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether any option was given. */
    public boolean any() {
        return !given().isEmpty();
    }

    /** The names of the options given, in the order of the usage line. */
    public List<String> given() {
        List<String> names = new ArrayList<>();
        addIf(names, title != null, "--title");
        addIf(names, organism != null, "--organism");
        addIf(names, tissue != null, "--tissue");
        addIf(names, disease != null, "--disease");
        addIf(names, assay != null, "--assay");
        addIf(names, labelColumn != null, "--label-column");
        addIf(names, ontologyColumn != null, "--ontology-column");
        addIf(names, donorColumn != null, "--donor-column");
        addIf(names, reference, "--reference");
        addIf(names, privateStudy, "--private");
        addIf(names, owner != null, "--owner");
        return List.copyOf(names);
    }

    /** The obs columns named, option name to column, in the order of the usage line. */
    public Map<String, String> namedColumns() {
        Map<String, String> columns = new LinkedHashMap<>();
        if (labelColumn != null) {
            columns.put("--label-column", labelColumn);
        }
        if (ontologyColumn != null) {
            columns.put("--ontology-column", ontologyColumn);
        }
        if (donorColumn != null) {
            columns.put("--donor-column", donorColumn);
        }
        return columns;
    }

    /** The defaults the study.json takes because their options were not given, in words (empty when none). */
    public List<String> defaultsUsed() {
        List<String> used = new ArrayList<>();
        addIf(used, title == null, "title = the study id (--title)");
        addIf(used, organism == null, "organism " + DEFAULT_ORGANISM + " (--organism)");
        addIf(used, !privateStudy, "visibility public (--private --owner GROUP)");
        return List.copyOf(used);
    }

    /**
     * Everything wrong with these options for study {@code studyId}, each naming the option and the fix; empty
     * when {@link #toMetadata} will succeed. A valid {@code studyId} is the caller's to check ({@link StudyIds}).
     */
    public List<String> problems(String studyId) {
        List<String> problems = new ArrayList<>();
        if (reference && labelColumn == null) {
            problems.add("--reference needs --label-column COLUMN, the obs column holding the author's cell type"
                    + " labels that join the reference; add it (e.g. --label-column cell_type) or drop --reference");
        }
        if (privateStudy && owner == null) {
            problems.add("--private needs --owner GROUP, the group that may see the study; add it (e.g. --owner lab7)"
                    + " or drop --private");
        }
        requireText(problems, "--title", title);
        requireText(problems, "--organism", organism);
        if (!problems.isEmpty() || StudyIds.problem(studyId).isPresent()) {
            return List.copyOf(problems);
        }
        for (ValidationError error :
                SchemaValidator.shared().validate(Contract.STUDY_METADATA, Json.tree(build(studyId)))) {
            String option = OPTION_OF_FIELD.getOrDefault(error.pointer(), "the options");
            problems.add(option + " (study.json " + error.pointer() + "): " + error.problem());
        }
        return List.copyOf(problems);
    }

    /**
     * The study.json these options describe for study {@code studyId}; throws {@link IllegalArgumentException}
     * listing every {@link #problems problem}.
     */
    public StudyMetadata toMetadata(String studyId) {
        StudyIds.require(studyId);
        List<String> problems = problems(studyId);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return build(studyId);
    }

    private StudyMetadata build(String studyId) {
        ObsColumns columns = labelColumn == null && ontologyColumn == null && donorColumn == null
                ? null
                : new ObsColumns(donorColumn, null, labelColumn, ontologyColumn);
        return new StudyMetadata(
                StudyMetadata.SCHEMA_VERSION,
                studyId,
                title == null ? studyId : title,
                null,
                organism == null ? DEFAULT_ORGANISM : organism,
                tissue,
                disease,
                assay,
                columns,
                reference,
                privateStudy ? Visibility.PRIVATE : Visibility.PUBLIC,
                owner);
    }

    private static void requireText(List<String> problems, String option, String value) {
        if (value != null && value.isBlank()) {
            problems.add(option + " is blank; give a value or leave the option out for its default");
        }
    }

    private static void addIf(List<String> list, boolean condition, String item) {
        if (condition) {
            list.add(item);
        }
    }

    /** Collects the options one by one; {@link #build} checks nothing, {@link #problems} does. */
    public static final class Builder {
        private String title;
        private String organism;
        private String tissue;
        private String disease;
        private String assay;
        private String labelColumn;
        private String ontologyColumn;
        private String donorColumn;
        private boolean reference;
        private boolean privateStudy;
        private String owner;

        private Builder() {}

        public Builder title(String value) {
            this.title = value;
            return this;
        }

        public Builder organism(String value) {
            this.organism = value;
            return this;
        }

        public Builder tissue(String value) {
            this.tissue = value;
            return this;
        }

        public Builder disease(String value) {
            this.disease = value;
            return this;
        }

        public Builder assay(String value) {
            this.assay = value;
            return this;
        }

        public Builder labelColumn(String value) {
            this.labelColumn = value;
            return this;
        }

        public Builder ontologyColumn(String value) {
            this.ontologyColumn = value;
            return this;
        }

        public Builder donorColumn(String value) {
            this.donorColumn = value;
            return this;
        }

        public Builder reference(boolean value) {
            this.reference = value;
            return this;
        }

        public Builder privateStudy(boolean value) {
            this.privateStudy = value;
            return this;
        }

        public Builder owner(String value) {
            this.owner = value;
            return this;
        }

        public StudyOptions build() {
            return new StudyOptions(
                    title,
                    organism,
                    tissue,
                    disease,
                    assay,
                    labelColumn,
                    ontologyColumn,
                    donorColumn,
                    reference,
                    privateStudy,
                    owner);
        }
    }
}
