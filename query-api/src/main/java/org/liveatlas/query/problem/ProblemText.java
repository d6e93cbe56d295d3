package org.liveatlas.query.problem;

/** Keeps problem details free of Java internals. */
public final class ProblemText {
    private ProblemText() {}

    /**
     * The first line of {@code message} with qualified class names, exception class names and
     * back-quoted Java types removed.
     */
    public static String clean(String message) {
        if (message == null || message.isBlank()) {
            return "invalid value";
        }
        String first = message.lines().findFirst().orElse(message);
        return first.replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*", "value")
                .replaceAll("`[^`]*`", "value")
                .replaceAll("\\b[A-Z][A-Za-z]*(?:Exception|Error)\\b:?\\s*", "");
    }
}
