package org.liveatlas.query.config;

/** Where the API finds model versions. */
public enum ModelSource {
    /** {@code models/<version>/} in the object store, followed through {@code ModelPublished} on Kafka. */
    STORE,
    /** A local folder with one sub-folder per version (tests, offline use). */
    FOLDER
}
