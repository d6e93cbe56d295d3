package org.liveatlas.query.store;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.liveatlas.core.TransientException;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.schemas.store.DepositVersion;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * The deposited studies in the object store ({@code deposits/<study>/}), read-only: what a deposit holds now, its
 * deposit version (the schemas' {@link DepositVersion}, the one ingest announced and the indexing pipeline recorded
 * on every cell) and its data files downloaded to local disk, streaming. A file that changes between the listing and
 * its download is refused (409) rather than read; store failures are {@link TransientException}s.
 */
@ApplicationScoped
public class DepositFiles {
    private final MinioClient client;
    private final String bucket;
    private final String endpoint;

    @Inject
    DepositFiles(QueryConfig config) {
        this.client = S3Clients.of(config.s3());
        this.bucket = config.s3().bucket();
        this.endpoint = config.s3().endpoint();
    }

    /**
     * A study's deposit folder as listed.
     *
     * @param studyId the study
     * @param objects every object under {@code deposits/<study>/}, by key
     * @param version the deposit version of those objects
     */
    public record Deposit(String studyId, List<DepositVersion.Listed> objects, String version) {
        public Deposit {
            objects = List.copyOf(objects);
        }

        /** Whether the deposit is complete: its {@code study.json} is there (ingest withdraws a study without it). */
        public boolean present() {
            String studyJson = ObjectLayout.studyJsonKey(studyId);
            return objects.stream().anyMatch(o -> o.key().equals(studyJson));
        }
    }

    /** What {@code deposits/<study>/} holds now. */
    public Deposit current(String studyId) {
        String prefix = ObjectLayout.depositPrefix(studyId);
        List<DepositVersion.Listed> objects = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                if (!item.isDir() && !item.objectName().endsWith("/")) {
                    objects.add(new DepositVersion.Listed(item.objectName(), item.size(), item.etag()));
                }
            }
        } catch (Exception e) {
            throw new TransientException(
                    "cannot list " + prefix + " in bucket " + bucket + " at " + endpoint + ": " + e.getMessage(), e);
        }
        return new Deposit(studyId, objects, DepositVersion.of(prefix, objects));
    }

    /**
     * Downloads the data the study's counts are read from into {@code dir}: its {@code .h5ad} or 10x {@code .h5}
     * (the first by key, as the re-indexing reads it), else the folder holding {@code matrix.mtx(.gz)} with its
     * features and barcodes. Returns the file or folder to open. Each object is fetched only while its ETag is the
     * listed one.
     */
    public Path download(Deposit deposit, Path dir) {
        String prefix = ObjectLayout.depositPrefix(deposit.studyId());
        List<DepositVersion.Listed> data = dataObjects(deposit, prefix);
        Path opened = null;
        for (DepositVersion.Listed o : data) {
            Path target = dir.resolve(o.key().substring(prefix.length())).normalize();
            if (!target.startsWith(dir)) {
                throw new IllegalStateException("object " + o.key() + " escapes " + prefix);
            }
            fetch(deposit, o, target);
            String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.startsWith("matrix.mtx")) {
                opened = target.getParent();
            } else if (opened == null) {
                opened = target;
            }
        }
        return opened;
    }

    private List<DepositVersion.Listed> dataObjects(Deposit deposit, String prefix) {
        List<DepositVersion.Listed> sorted = new ArrayList<>(deposit.objects());
        sorted.sort(java.util.Comparator.comparing(DepositVersion.Listed::key));
        Optional<DepositVersion.Listed> file = sorted.stream()
                .filter(o -> {
                    String k = o.key().toLowerCase(Locale.ROOT);
                    return k.endsWith(".h5ad") || k.endsWith(".h5");
                })
                .findFirst();
        if (file.isPresent()) {
            return List.of(file.get());
        }
        Optional<String> folder = sorted.stream()
                .map(DepositVersion.Listed::key)
                .filter(k -> fileName(k).startsWith("matrix.mtx"))
                .map(k -> k.substring(0, k.lastIndexOf('/') + 1))
                .findFirst();
        if (folder.isEmpty()) {
            throw ApiProblem.of(
                            409,
                            "deposit-changed",
                            "Conflict",
                            "study " + deposit.studyId() + ": " + prefix + " holds no data file (.h5ad, 10x .h5 or"
                                    + " matrix.mtx) any more; its cells will be re-indexed or withdrawn, ask again"
                                    + " later")
                    .with("study_id", deposit.studyId());
        }
        // the matrix's folder: matrix, features (or genes) and barcodes, not sub-folders
        return sorted.stream()
                .filter(o -> o.key().startsWith(folder.get())
                        && o.key().indexOf('/', folder.get().length()) < 0)
                .filter(o -> !o.key().equals(ObjectLayout.studyJsonKey(deposit.studyId())))
                .toList();
    }

    private static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    private void fetch(Deposit deposit, DepositVersion.Listed o, Path target) {
        try {
            Files.createDirectories(target.getParent());
            GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(bucket).object(o.key());
            if (!o.etag().isEmpty()) {
                args.matchETag(o.etag());
            }
            try (GetObjectResponse in = client.getObject(args.build())) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "PreconditionFailed".equals(code)) {
                throw ApiProblem.of(
                                409,
                                "deposit-changed",
                                "Conflict",
                                "study " + deposit.studyId() + ": " + o.key() + " changed while it was being read"
                                        + " (the study is being deposited again); ask again once it is indexed")
                        .with("study_id", deposit.studyId());
            }
            throw new TransientException(
                    "cannot read " + o.key() + " from bucket " + bucket + " at " + endpoint + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TransientException(
                    "cannot read " + o.key() + " from bucket " + bucket + " at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() throws Exception {
        client.close();
    }
}
