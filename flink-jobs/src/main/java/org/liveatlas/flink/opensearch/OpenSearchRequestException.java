package org.liveatlas.flink.opensearch;

import org.liveatlas.core.AtlasException;

/** OpenSearch refused a request outright (not a bulk item): carries the HTTP status and the answer. */
public final class OpenSearchRequestException extends AtlasException {
    private final int status;

    public OpenSearchRequestException(String what, int status, String answer) {
        super("OpenSearch refused to " + what + ": HTTP " + status + ": " + abbreviate(answer));
        this.status = status;
    }

    public int status() {
        return status;
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
