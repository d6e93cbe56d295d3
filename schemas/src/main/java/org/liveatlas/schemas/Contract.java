package org.liveatlas.schemas;

/** Every versioned document contract, each backed by a JSON Schema (draft 2020-12) on the classpath. */
public enum Contract {
    STUDY_METADATA("study.json", "schemas/study.v1.schema.json"),
    STUDY_DEPOSITED("StudyDeposited", "schemas/StudyDeposited.v1.schema.json"),
    STUDY_WITHDRAWN("StudyWithdrawn", "schemas/StudyWithdrawn.v1.schema.json"),
    STUDY_STATUS("StudyStatus", "schemas/StudyStatus.v1.schema.json"),
    MODEL_PUBLISHED("ModelPublished", "schemas/ModelPublished.v1.schema.json"),
    DEAD_LETTER("DeadLetter", "schemas/DeadLetter.v1.schema.json");

    /** Base of every schema's {@code $id}; it maps to {@code classpath:schemas/}. */
    public static final String ID_PREFIX = "https://liveatlas.org/schemas/";

    private final String title;
    private final String resource;

    Contract(String title, String resource) {
        this.title = title;
        this.resource = resource;
    }

    /** The document's name as people say it. */
    public String title() {
        return title;
    }

    /** Classpath location of the schema file. */
    public String resource() {
        return resource;
    }

    /** The schema's {@code $id}. */
    public String schemaId() {
        return ID_PREFIX + resource.substring("schemas/".length());
    }
}
