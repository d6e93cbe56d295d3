package org.liveatlas.schemas.store;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rule for study ids: they become object-store prefixes, Kafka keys and part of OpenSearch document
 * ids, so only a safe charset is allowed. Same rule as {@code $defs/studyId} in {@code study.v1.schema.json}.
 */
public final class StudyIds {
    /** Longest accepted study id. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*");

    private StudyIds() {}

    /** Returns what is wrong with {@code candidate} as a study id, or empty when it is valid. */
    public static Optional<String> problem(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return Optional.of("study id is empty; give a name such as 'pbmc-2024-01'");
        }
        String shown = KeySafety.printable(candidate);
        if (candidate.length() > MAX_LENGTH) {
            return Optional.of("study id '" + shown.substring(0, 40) + "...' is " + candidate.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of("study id '" + shown + "' contains a control character at position " + i
                        + "; use letters, digits, '-', '_' and single dots");
            }
        }
        if (candidate.contains("..") || candidate.contains("/") || candidate.contains("\\")) {
            return Optional.of(
                    "study id '" + shown
                            + "' contains a path separator or '..' (path traversal); use letters, digits, '-', '_' and single dots");
        }
        if (!SAFE.matcher(candidate).matches()) {
            return Optional.of(
                    "study id '" + shown
                            + "' has characters outside [A-Za-z0-9._-] or starts or ends with a dot; use letters, digits, '-', '_' and single dots");
        }
        return Optional.empty();
    }

    /** Returns {@code candidate} if it is a valid study id, else throws naming the problem. */
    public static String require(String candidate) {
        problem(candidate).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return candidate;
    }
}
