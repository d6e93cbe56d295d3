package org.liveatlas.query.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.liveatlas.query.config.QueryConfig;

/**
 * The API keys (configured ones and those of the key file), looked up by the SHA-256 of the presented
 * key, so neither the configuration nor the file holds a usable secret. Comparison is of digests in
 * constant time. On a first start with no key at all, a {@code local} key is generated (see {@link
 * LocalKeyFile}).
 */
@ApplicationScoped
@Startup // the local key is generated at start, so the operator finds it before the first request
public class ApiKeys {
    private final Map<String, Caller> byDigest = new HashMap<>();

    ApiKeys(QueryConfig config) {
        config.security()
                .keys()
                .forEach((name, key) -> add(
                        "atlas.query.security.keys." + name,
                        name,
                        key.sha256(),
                        key.groups().orElse(Set.of())));
        QueryConfig.Security sec = config.security();
        LocalKeyFile file = new LocalKeyFile(
                sec.keyFile().orElse(config.dataDir().resolve("query-api").resolve(LocalKeyFile.FILE_NAME)));
        if (byDigest.isEmpty() && !file.exists() && sec.generateLocalKey()) {
            file.generate(sec.localKeyGroups().orElse(Set.of()));
        }
        file.read().forEach(k -> add(file.path() + " " + k.name(), k.name(), k.sha256(), k.groups()));
    }

    private void add(String where, String name, String sha256, Set<String> groups) {
        String digest = sha256.trim().toLowerCase(Locale.ROOT);
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException(where + ": sha256 is not a SHA-256 hex digest (64 hex digits); compute it"
                    + " with `printf %s \"$KEY\" | sha256sum`");
        }
        byDigest.put(digest, new Caller(name, groups));
    }

    /** Whether any key is known (configured or from the key file). */
    public boolean any() {
        return !byDigest.isEmpty();
    }

    /** The caller owning {@code presentedKey}, if any key matches. */
    public Optional<Caller> lookup(String presentedKey) {
        byte[] digest = sha256(presentedKey);
        for (Map.Entry<String, Caller> e : byDigest.entrySet()) {
            if (MessageDigest.isEqual(digest, HexFormat.of().parseHex(e.getKey()))) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** Lower-case hex SHA-256 of a key, as the configuration stores it. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
