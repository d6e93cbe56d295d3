package org.liveatlas.schemas.events;

import java.util.regex.Pattern;

/** The deposit-version format: {@code sha256:} followed by 64 lowercase hex digits. */
public final class Checksums {
    private static final Pattern VERSION = Pattern.compile("sha256:[0-9a-f]{64}");

    private Checksums() {}

    /** True when {@code version} is a well-formed deposit version. */
    public static boolean isVersion(String version) {
        return version != null && VERSION.matcher(version).matches();
    }

    static void requireVersion(String version, String studyId) {
        if (!isVersion(version)) {
            throw new IllegalArgumentException("study " + studyId + ": deposit version '" + version
                    + "' is not 'sha256:' followed by 64 lowercase hex digits");
        }
    }
}
