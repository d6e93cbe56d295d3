package org.liveatlas.schemas.index;

/** OpenSearch k-NN engines; the embedded OpenSearch (Maven zip) has only Lucene, production may use FAISS. */
public enum KnnEngine {
    LUCENE("lucene"),
    FAISS("faiss"),
    NMSLIB("nmslib");

    private final String value;

    KnnEngine(String value) {
        this.value = value;
    }

    /** The value of {@code method.engine} in a mapping. */
    public String value() {
        return value;
    }
}
