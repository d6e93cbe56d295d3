package org.liveatlas.schemas.store;

import java.util.Optional;

/**
 * Where everything lives in the object store: {@code deposits/<study>/study.json} beside the data files,
 * {@code quarantine/<study>/reason.json} beside copies of a rejected deposit, {@code models/<version>/}.
 * The bucket is configuration; {@link #DEFAULT_BUCKET} is the embedded default.
 */
public final class ObjectLayout {
    public static final String DEFAULT_BUCKET = "atlas";
    public static final String DEPOSITS = "deposits/";
    public static final String QUARANTINE = "quarantine/";
    public static final String MODELS = "models/";
    public static final String STUDY_JSON = "study.json";
    public static final String REASON_JSON = "reason.json";

    private ObjectLayout() {}

    /** {@code deposits/<study>/}; the study id is checked. */
    public static String depositPrefix(String studyId) {
        return DEPOSITS + StudyIds.require(studyId) + "/";
    }

    /** {@code deposits/<study>/study.json}. */
    public static String studyJsonKey(String studyId) {
        return depositPrefix(studyId) + STUDY_JSON;
    }

    /** {@code quarantine/<study>/}. */
    public static String quarantinePrefix(String studyId) {
        return QUARANTINE + StudyIds.require(studyId) + "/";
    }

    /** {@code quarantine/<study>/reason.json}. */
    public static String reasonKey(String studyId) {
        return quarantinePrefix(studyId) + REASON_JSON;
    }

    /** {@code models/<version>/}. */
    public static String modelPrefix(String modelVersion) {
        if (modelVersion == null
                || !modelVersion.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
                || modelVersion.contains("..")) {
            throw new IllegalArgumentException("model version '" + modelVersion
                    + "' is not a safe name; use letters, digits, '.', '-', '_' (no '..')");
        }
        return MODELS + modelVersion + "/";
    }

    /**
     * Splits a full key under {@code deposits/} into the raw study folder name and the key relative to it;
     * empty for keys outside {@code deposits/} or directly in it. The folder name is not validated here.
     */
    public static Optional<DepositKey> parseDepositKey(String key) {
        if (key == null || !key.startsWith(DEPOSITS)) {
            return Optional.empty();
        }
        String rest = key.substring(DEPOSITS.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        return Optional.of(new DepositKey(rest.substring(0, slash), rest.substring(slash + 1)));
    }

    /**
     * A key under {@code deposits/}, split.
     *
     * @param studyFolder the folder name right below {@code deposits/} (the claimed study id, unchecked)
     * @param relativeKey the rest of the key (may be empty for a folder marker)
     */
    public record DepositKey(String studyFolder, String relativeKey) {}
}
