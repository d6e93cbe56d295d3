package org.liveatlas.trainer.data;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * The labelled studies of the object store: deposits whose {@code study.json} names a label column,
 * downloaded to a local folder for the core's readers.
 *
 * <p>A study's version is a SHA-256 over its objects' keys and ETags, so the manifest records exactly
 * which content was trained on. Its data is the {@code .h5ad} or 10x {@code .h5} file of the deposit,
 * else the deposit folder itself when it holds a 10x {@code matrix.mtx(.gz)}.
 */
public final class DepositedStudies {

    private final MinioClient client;
    private final String bucket;

    public DepositedStudies(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    /** A deposit, not yet downloaded. */
    public record Deposit(String studyId, String version, StudyMetadata metadata, List<String> keys) {
        /** Whether its {@code study.json} names a cell type label column. */
        public boolean labelled() {
            return metadata.columns() != null && metadata.columns().cellTypeLabel() != null;
        }
    }

    /** Every deposit with a label column (all studies when {@code only} is empty, else those named). */
    public List<Deposit> labelled(Collection<String> only) {
        return all(only).stream().filter(Deposit::labelled).toList();
    }

    /** Every complete deposit (with a {@code study.json}), labelled or not; all when {@code only} is empty. */
    public List<Deposit> all(Collection<String> only) {
        Map<String, TreeMap<String, String>> byStudy = new TreeMap<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(ObjectLayout.DEPOSITS)
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                ObjectLayout.parseDepositKey(item.objectName()).ifPresent(k -> {
                    if (!k.relativeKey().isEmpty()) {
                        byStudy.computeIfAbsent(k.studyFolder(), x -> new TreeMap<>())
                                .put(item.objectName(), item.etag());
                    }
                });
            }
            List<Deposit> out = new ArrayList<>();
            for (Map.Entry<String, TreeMap<String, String>> e : byStudy.entrySet()) {
                String study = e.getKey();
                if (!only.isEmpty() && !only.contains(study)) {
                    continue;
                }
                String jsonKey = ObjectLayout.DEPOSITS + study + "/" + ObjectLayout.STUDY_JSON;
                if (!e.getValue().containsKey(jsonKey)) {
                    continue; // incomplete deposit
                }
                StudyMetadata meta;
                try (InputStream in = client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(jsonKey).build())) {
                    meta = Json.mapper().readValue(in, StudyMetadata.class);
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                e.getValue()
                        .forEach((k, etag) -> sha.update((k + "\t" + etag + "\n").getBytes(StandardCharsets.UTF_8)));
                out.add(new Deposit(
                        study,
                        "sha256:" + HexFormat.of().formatHex(sha.digest()),
                        meta,
                        List.copyOf(e.getValue().keySet())));
            }
            return out;
        } catch (Exception e) {
            throw new TransientException(
                    "cannot list the deposits of bucket " + bucket + ": " + e.getMessage()
                            + "; check the object store and retry",
                    e);
        }
    }

    /** Downloads {@code deposit} under {@code dir} and describes it for the loader. */
    public LabelledStudy download(Deposit deposit, Path dir) {
        Path data = downloadData(deposit, dir);
        return new LabelledStudy(
                deposit.studyId(),
                deposit.version(),
                data,
                deposit.metadata().columns().cellTypeLabel(),
                deposit.metadata().columns().cellOntologyId());
    }

    /** Downloads {@code deposit} (labelled or not) under {@code dir}; returns its data file or folder. */
    public Path downloadData(Deposit deposit, Path dir) {
        Path target = dir.resolve(deposit.studyId());
        String prefix = ObjectLayout.depositPrefix(deposit.studyId());
        try {
            Files.createDirectories(target);
            for (String key : deposit.keys()) {
                String rel = key.substring(prefix.length());
                if (rel.contains("..") || rel.startsWith("/")) {
                    continue;
                }
                Path f = target.resolve(rel);
                Files.createDirectories(f.getParent());
                try (InputStream in = client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                    Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (Exception e) {
            throw new TransientException(
                    "study " + deposit.studyId() + ": cannot download " + prefix + ": " + e.getMessage(), e);
        }
        return dataPath(target, deposit.studyId());
    }

    private static Path dataPath(Path dir, String studyId) {
        try (var files = Files.walk(dir)) {
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            for (Path p : all) {
                String n = p.getFileName().toString();
                if (n.endsWith(".h5ad") || n.endsWith(".h5")) {
                    return p;
                }
            }
            for (Path p : all) {
                String n = p.getFileName().toString();
                if (n.equals("matrix.mtx") || n.equals("matrix.mtx.gz")) {
                    return p.getParent();
                }
            }
        } catch (java.io.IOException e) {
            throw new TransientException("study " + studyId + ": cannot list " + dir + ": " + e.getMessage(), e);
        }
        throw new PoisonInputException("study " + studyId + ": the deposit holds no .h5ad, 10x .h5 or matrix.mtx(.gz);"
                + " the trainer cannot read it");
    }
}
