package org.liveatlas.query.security;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The API's key file ({@code <data-dir>/query-api/api-keys.properties}): {@code <name>.sha256=<hex>} and
 * {@code <name>.groups=a,b} per key. On a first start without any key the API generates a {@code local}
 * key: its digest goes into this file and the key itself into {@code local-api-key} beside it, readable
 * by the owner only, so the operator of a local stack can open the dashboard ({@code cat} that file) and
 * nobody else can.
 */
final class LocalKeyFile {
    private static final Logger LOG = Logger.getLogger(LocalKeyFile.class);
    /** File name of the key digests. */
    static final String FILE_NAME = "api-keys.properties";
    /** File name of the generated key itself. */
    static final String SECRET_NAME = "local-api-key";
    /** Name of the generated key. */
    static final String LOCAL = "local";

    private final Path path;

    LocalKeyFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** The file holding the generated key. */
    Path secretPath() {
        return path.resolveSibling(SECRET_NAME);
    }

    boolean exists() {
        return Files.exists(path);
    }

    /**
     * One key of the file.
     *
     * @param name key name
     * @param sha256 hex digest
     * @param groups its groups
     */
    record Entry(String name, String sha256, Set<String> groups) {}

    List<Entry> read() {
        if (!Files.isRegularFile(path)) {
            return List.of();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key file " + path, e);
        }
        List<Entry> out = new ArrayList<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            if (k.endsWith(".sha256")) {
                String name = k.substring(0, k.length() - ".sha256".length());
                String groups = p.getProperty(name + ".groups", "");
                out.add(new Entry(
                        name,
                        p.getProperty(k),
                        Arrays.stream(groups.split(","))
                                .map(String::trim)
                                .filter(g -> !g.isEmpty())
                                .collect(Collectors.toSet())));
            }
        }
        return out;
    }

    /** Generates the {@code local} key with these groups; returns it. */
    String generate(Set<String> groups) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String key = "la_" + HexFormat.of().formatHex(random);
        try {
            Files.createDirectories(path.getParent());
            Path secret = secretPath();
            Files.deleteIfExists(secret);
            Files.createFile(
                    secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(secret, key + "\n", StandardCharsets.UTF_8);
            Properties p = new Properties();
            p.setProperty(LOCAL + ".sha256", ApiKeys.sha256Hex(key));
            p.setProperty(LOCAL + ".groups", String.join(",", new TreeSet<>(groups)));
            try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
                p.store(w, "LiveAtlas query API keys: <name>.sha256 = SHA-256 hex of the key, <name>.groups = a,b");
            }
            LOG.infof(
                    "no API key was configured: generated the key '%s' (groups %s); it is in %s (owner-only),"
                            + " its digest in %s. Open the dashboard with it, or send it as X-API-Key.",
                    LOCAL, groups, secret, path);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the API key file " + path + "; set atlas.query.security.key-file to a writable"
                            + " place or configure keys (atlas.query.security.keys.<name>.sha256)",
                    e);
        }
    }
}
