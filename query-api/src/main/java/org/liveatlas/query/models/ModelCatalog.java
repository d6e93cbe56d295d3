package org.liveatlas.query.models;

import java.nio.file.Path;
import java.util.List;
import org.liveatlas.core.model.Manifest;

/**
 * Where model versions are kept: lists their manifests and makes one version's files available as a
 * local folder in the core's registry format. Implementations are thread-safe.
 */
interface ModelCatalog {
    /** Every complete version (one with a readable manifest), in no particular order. */
    List<Manifest> list();

    /** A local folder holding every file of {@code version}, complete; fetched first when needed. */
    Path fetch(String version);

    /** Where the catalog is, for logs and problem details (no secrets). */
    String describe();
}
