package org.liveatlas.ingest.store;

import java.util.List;
import java.util.Optional;

/**
 * The object-store operations ingest needs, on one bucket. Implementations throw
 * {@link org.liveatlas.core.TransientException} when the store cannot be reached.
 */
public interface DepositStore {
    /** The bucket this store works on. */
    String bucket();

    /** Every object whose key starts with {@code prefix}, recursively, in key order. */
    List<StoredObject> list(String prefix);

    /** Up to {@code maxBytes} bytes from the start of the object. */
    byte[] readHead(String key, int maxBytes);

    /** The whole object with its user metadata, or empty if it does not exist. */
    Optional<StoredContent> readIfExists(String key);

    /** Server-side copy inside the bucket. */
    void copy(String sourceKey, String targetKey);

    /** Writes a small object. */
    void put(String key, byte[] content, String contentType);

    /** Deletes an object; deleting a missing object is not an error. */
    void delete(String key);
}
