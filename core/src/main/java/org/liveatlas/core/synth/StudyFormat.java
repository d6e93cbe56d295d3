package org.liveatlas.core.synth;

import java.util.Locale;

/** Output formats of generated studies. */
public enum StudyFormat {
    /** {@code <study>.h5ad}. */
    H5AD,
    /** {@code <study>/} holding the 10x matrix folder. */
    TENX,
    /** Both. */
    BOTH;

    /** Parses {@code h5ad}, {@code 10x} or {@code both} (case-insensitive). */
    public static StudyFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "h5ad" -> H5AD;
            case "10x", "tenx" -> TENX;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("unknown format " + s + "; use h5ad, 10x or both");
        };
    }
}
