package org.liveatlas.schemas.store;

import java.util.Optional;

/** Rules for object keys inside a deposit: no traversal, no control characters, bounded length and depth. */
public final class KeySafety {
    /** Longest key S3 accepts, in bytes of UTF-8; we count characters, which is stricter for ASCII. */
    public static final int MAX_KEY_LENGTH = 1024;

    /** Deepest folder nesting allowed below a deposit's prefix (a 10x folder inside a study folder). */
    public static final int MAX_DEPTH = 4;

    private KeySafety() {}

    /**
     * Returns what is wrong with {@code relativeKey} (a key relative to a deposit prefix, e.g.
     * {@code filtered/matrix.mtx.gz}), or empty when it is safe.
     */
    public static Optional<String> problem(String relativeKey) {
        if (relativeKey == null || relativeKey.isEmpty()) {
            return Optional.of("empty object key");
        }
        String shown = printable(relativeKey);
        if (relativeKey.length() > MAX_KEY_LENGTH) {
            return Optional.of(
                    "key '" + shown.substring(0, 60) + "...' is longer than " + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < relativeKey.length(); i++) {
            char c = relativeKey.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return Optional.of("key '" + shown + "' contains control character U+" + String.format("%04X", (int) c)
                        + " at position " + i + "; rename the file");
            }
        }
        if (relativeKey.indexOf('\\') >= 0) {
            return Optional.of("key '" + shown
                    + "' contains a backslash (a Windows path separator, a path traversal risk); use '/'");
        }
        if (relativeKey.startsWith("/")) {
            return Optional.of("key '" + shown + "' is absolute (starts with '/')");
        }
        String[] segments = relativeKey.split("/", -1);
        if (segments.length > MAX_DEPTH + 1) {
            return Optional.of(
                    "key '" + shown + "' is nested " + (segments.length - 1) + " folders deep; at most " + MAX_DEPTH);
        }
        for (String segment : segments) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of("key '" + shown + "' contains a '" + segment + "' segment (path traversal)");
            }
            if (segment.isEmpty()) {
                return Optional.of("key '" + shown + "' contains an empty path segment ('//' or a trailing '/')");
            }
        }
        return Optional.empty();
    }

    /** Renders control characters as {@code \\uXXXX} so a message never carries them raw. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
