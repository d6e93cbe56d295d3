package org.liveatlas.ingest.store;

import java.util.Map;

/**
 * An object's bytes and user metadata, as one GET returns them.
 *
 * @param content the bytes
 * @param userMetadata the {@code x-amz-meta-} headers, names lowercased and without the prefix
 */
public record StoredContent(byte[] content, Map<String, String> userMetadata) {
    public StoredContent {
        userMetadata = Map.copyOf(userMetadata);
    }
}
