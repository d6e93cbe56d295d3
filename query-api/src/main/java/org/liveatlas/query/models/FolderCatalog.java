package org.liveatlas.query.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;

/** A local registry folder: one sub-folder per version, each with its {@code manifest.json}. */
final class FolderCatalog implements ModelCatalog {
    private static final Logger LOG = Logger.getLogger(FolderCatalog.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private final Path dir;

    FolderCatalog(Path dir) {
        this.dir = dir;
    }

    @Override
    public List<Manifest> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Manifest> out = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path f : folders.sorted().toList()) {
                Path m = f.resolve(ModelFolder.MANIFEST);
                if (Files.isRegularFile(m)) {
                    try {
                        out.add(JSON.readValue(m.toFile(), Manifest.class));
                    } catch (IOException | RuntimeException e) {
                        LOG.warnf("model folder %s has an unreadable manifest, skipped: %s", f, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model folder " + dir, e);
        }
        return out;
    }

    @Override
    public Path fetch(String version) {
        return dir.resolve(version);
    }

    @Override
    public String describe() {
        return "folder " + dir;
    }
}
