package org.liveatlas.ingest.fakes;

import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.liveatlas.ingest.store.DepositStore;
import org.liveatlas.ingest.store.StoredContent;
import org.liveatlas.ingest.store.StoredObject;

/** A {@link DepositStore} in memory, with MD5 ETags as a single-part S3 upload gets. */
public final class InMemoryStore implements DepositStore {
    private record Entry(byte[] content, StoredObject meta, Map<String, String> userMetadata) {}

    private final String bucket;
    private final Clock clock;
    private final TreeMap<String, Entry> objects = new TreeMap<>();

    public InMemoryStore(String bucket, Clock clock) {
        this.bucket = bucket;
        this.clock = clock;
    }

    /** Puts an object with user metadata, as a client upload would. */
    public void put(String key, byte[] content, Map<String, String> userMetadata) {
        objects.put(
                key,
                new Entry(
                        content.clone(),
                        new StoredObject(key, content.length, md5(content), clock.instant()),
                        Map.copyOf(userMetadata)));
    }

    public Optional<byte[]> content(String key) {
        return Optional.ofNullable(objects.get(key)).map(e -> e.content().clone());
    }

    public List<String> keys(String prefix) {
        return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public List<StoredObject> list(String prefix) {
        List<StoredObject> out = new ArrayList<>();
        objects.tailMap(prefix).forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.add(v.meta());
            }
        });
        return out;
    }

    @Override
    public byte[] readHead(String key, int maxBytes) {
        byte[] content = objects.get(key).content();
        return Arrays.copyOf(content, Math.min(maxBytes, content.length));
    }

    @Override
    public Optional<StoredContent> readIfExists(String key) {
        return Optional.ofNullable(objects.get(key))
                .map(e -> new StoredContent(e.content().clone(), e.userMetadata()));
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        Entry source = objects.get(sourceKey);
        put(targetKey, source.content(), source.userMetadata());
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        put(key, content, Map.of());
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
