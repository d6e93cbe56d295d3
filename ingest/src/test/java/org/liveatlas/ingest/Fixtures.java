package org.liveatlas.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Test resources of the ingest module. */
public final class Fixtures {
    private Fixtures() {}

    /** The bytes of a resource, e.g. {@code fixtures/tiny.h5ad}. */
    public static byte[] bytes(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing test resource " + resource + " (see src/test/python/make_fixtures.py)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file system path of a resource folder or file. */
    public static Path path(String resource) {
        try {
            return Path.of(Fixtures.class.getClassLoader().getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid public study.json for {@code studyId}. */
    public static String studyJson(String studyId) {
        return studyJson(studyId, null);
    }

    /** A valid study.json for {@code studyId}; private to {@code ownerGroup} when it is not null. */
    public static String studyJson(String studyId, String ownerGroup) {
        String visibility = ownerGroup == null
                ? "\"visibility\": \"public\""
                : "\"visibility\": \"private\", \"ownerGroup\": \"" + ownerGroup + "\"";
        return "{\"schemaVersion\": 1, \"studyId\": \"" + studyId + "\", \"title\": \"Study " + studyId
                + "\", \"organism\": \"Homo sapiens\", \"tissue\": \"blood\", \"columns\": {\"cellTypeLabel\": \"cell_type\"}, "
                + "\"reference\": true, " + visibility + "}";
    }
}
