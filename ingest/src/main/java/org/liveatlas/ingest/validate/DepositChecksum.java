package org.liveatlas.ingest.validate;

import java.util.List;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.store.DepositVersion;

/**
 * The deposit version of a listed deposit folder: the schemas' {@link DepositVersion} (SHA-256 over the sorted
 * {@code <relative key> NUL <size> NUL <etag>} lines), so that every reader of a deposit computes the same one.
 */
public final class DepositChecksum {
    private DepositChecksum() {}

    /** The version of the deposit made of {@code objects}, all under {@code prefix}. */
    public static String of(String prefix, List<StoredObject> objects) {
        return DepositVersion.of(
                prefix,
                objects.stream()
                        .map(o -> new DepositVersion.Listed(o.key(), o.size(), o.etag()))
                        .toList());
    }
}
