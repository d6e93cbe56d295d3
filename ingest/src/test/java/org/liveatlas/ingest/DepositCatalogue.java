package org.liveatlas.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deposits used by both the unit tests (in-memory store) and the integration tests (real S3 store): one good
 * deposit of each data layout and a catalogue of bad ones, each with the words its quarantine reason must contain.
 * Limits assumed: {@link #MAX_FILE_BYTES} per file.
 */
public final class DepositCatalogue {
    /** The per-file limit the tests configure; {@link #OVERSIZED} exceeds it. */
    public static final long MAX_FILE_BYTES = 64 * 1024;

    private static final byte[] H5AD = Fixtures.bytes("fixtures/tiny.h5ad");
    private static final byte[] TENX_H5 = Fixtures.bytes("fixtures/tiny_10x.h5");
    private static final byte[] MTX = Fixtures.bytes("fixtures/tenx/matrix.mtx.gz");
    private static final byte[] FEATURES = Fixtures.bytes("fixtures/tenx/features.tsv.gz");
    private static final byte[] BARCODES = Fixtures.bytes("fixtures/tenx/barcodes.tsv.gz");
    private static final byte[] OVERSIZED =
            Arrays.copyOf(H5AD, (int) MAX_FILE_BYTES + 1); // zeros after the HDF5 end: valid, too big

    private DepositCatalogue() {}

    /**
     * A deposit: the folder under {@code deposits/} and its files (relative key to content), study.json last.
     *
     * @param folder folder name under deposits/
     * @param files relative key to content, in upload order
     * @param quarantineId the study id its quarantine status is keyed by (null for good deposits)
     * @param reason words the quarantine reason must contain (null for good deposits)
     */
    public record Deposit(String folder, Map<String, byte[]> files, String quarantineId, String reason) {}

    /** A good .h5ad deposit. */
    public static Deposit goodH5ad(String studyId) {
        return new Deposit(
                studyId, files("counts.h5ad", H5AD, "study.json", json(Fixtures.studyJson(studyId))), null, null);
    }

    /** A good deposit with a 10x folder and a 10x .h5. */
    public static Deposit goodTenx(String studyId) {
        return new Deposit(
                studyId,
                files(
                        "ctrl/matrix.mtx.gz",
                        MTX,
                        "ctrl/features.tsv.gz",
                        FEATURES,
                        "ctrl/barcodes.tsv.gz",
                        BARCODES,
                        "stim_filtered_feature_bc_matrix.h5",
                        TENX_H5,
                        "study.json",
                        json(Fixtures.studyJson(studyId, "lab7"))),
                null,
                null);
    }

    /** Bad deposits, one problem each; folder names start with {@code prefix}. */
    public static List<Deposit> bad(String prefix) {
        String p = prefix;
        return List.of(
                bad(p + "missing-json", "missing study.json", "counts.h5ad", H5AD),
                bad(p + "invalid-json", "not valid JSON", "counts.h5ad", H5AD, "study.json", json("{\"studyId\": ")),
                bad(
                        p + "schema",
                        "/organism",
                        "counts.h5ad",
                        H5AD,
                        "study.json",
                        json("{\"schemaVersion\": 1, \"studyId\": \"" + p
                                + "schema\", \"title\": \"t\", \"visibility\": \"public\"}")),
                bad(
                        p + "id-mismatch",
                        "must match",
                        "counts.h5ad",
                        H5AD,
                        "study.json",
                        json(Fixtures.studyJson(p + "someone-else"))),
                bad(
                        p + "private-no-owner",
                        "/ownerGroup",
                        "counts.h5ad",
                        H5AD,
                        "study.json",
                        json("{\"schemaVersion\": 1, \"studyId\": \"" + p
                                + "private-no-owner\", \"title\": \"t\", \"organism\": \"Homo sapiens\", "
                                + "\"visibility\": \"private\"}")),
                bad(
                        p + "unknown-format",
                        "counts.csv: unknown format",
                        "counts.csv",
                        json("cell,gene,count\n"),
                        "study.json",
                        json(Fixtures.studyJson(p + "unknown-format"))),
                bad(
                        p + "truncated",
                        "truncated HDF5 file",
                        "counts.h5ad",
                        Arrays.copyOf(H5AD, H5AD.length / 2),
                        "study.json",
                        json(Fixtures.studyJson(p + "truncated"))),
                bad(
                        p + "not-hdf5",
                        "not an HDF5 file",
                        "counts.h5ad",
                        json("this is not HDF5\n"),
                        "study.json",
                        json(Fixtures.studyJson(p + "not-hdf5"))),
                bad(
                        p + "empty",
                        "empty file",
                        "counts.h5ad",
                        new byte[0],
                        "study.json",
                        json(Fixtures.studyJson(p + "empty"))),
                bad(
                        p + "oversized",
                        "oversized file",
                        "counts.h5ad",
                        OVERSIZED,
                        "study.json",
                        json(Fixtures.studyJson(p + "oversized"))),
                bad(
                        p + "traversal",
                        "backslash",
                        "..\\..\\escape.h5ad",
                        H5AD,
                        "study.json",
                        json(Fixtures.studyJson(p + "traversal"))),
                bad(
                        p + "tenx-incomplete",
                        "incomplete 10x layout in folder ctrl/: missing features.tsv.gz",
                        "ctrl/matrix.mtx.gz",
                        MTX,
                        "ctrl/barcodes.tsv.gz",
                        BARCODES,
                        "study.json",
                        json(Fixtures.studyJson(p + "tenx-incomplete"))),
                bad(
                        p + "mtx-header",
                        "not a Matrix Market file",
                        "ctrl/matrix.mtx.gz",
                        FEATURES,
                        "ctrl/features.tsv.gz",
                        FEATURES,
                        "ctrl/barcodes.tsv.gz",
                        BARCODES,
                        "study.json",
                        json(Fixtures.studyJson(p + "mtx-header"))),
                bad(
                        p + "gzip-name",
                        "no gzip magic",
                        "ctrl/matrix.mtx.gz",
                        MTX,
                        "ctrl/features.tsv.gz",
                        FEATURES,
                        "ctrl/barcodes.tsv.gz",
                        json("AAACCTG-1\n"),
                        "study.json",
                        json(Fixtures.studyJson(p + "gzip-name"))),
                bad(p + "no-data", "no data files", "study.json", json(Fixtures.studyJson(p + "no-data"))),
                new Deposit(
                        p + "Bad Study!",
                        files("counts.h5ad", H5AD, "study.json", json(Fixtures.studyJson("bad-study"))),
                        null,
                        "unsafe study id"));
    }

    /** study.json of {@code studyId} owned by {@code group}. */
    public static byte[] studyJsonOwnedBy(String studyId, String group) {
        return json(Fixtures.studyJson(studyId, group));
    }

    /** The bytes of the good .h5ad fixture. */
    public static byte[] h5ad() {
        return H5AD.clone();
    }

    private static Deposit bad(String folder, String reason, Object... keysAndContents) {
        return new Deposit(folder, files(keysAndContents), folder, reason);
    }

    private static Map<String, byte[]> files(Object... keysAndContents) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < keysAndContents.length; i += 2) {
            files.put((String) keysAndContents[i], (byte[]) keysAndContents[i + 1]);
        }
        return files;
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
