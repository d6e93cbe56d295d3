package org.liveatlas.query.testing;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.TenxH5Writer;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.store.DepositVersion;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

/**
 * The test atlas's studies deposited in the bucket as a depositor leaves them ({@code deposits/<study>/study.json}
 * beside the data file), so that what the index holds can be read back from the store: {@code synth01} and the
 * private {@code synth03} as {@code .h5ad}, {@code synth02} as a 10x {@code .h5} that lacks the first {@link
 * #UNMEASURED_IN_SYNTH02} genes (studies that measured different genes).
 */
public final class Deposits {
    /** synth02's deposit lacks this many of the atlas's first genes. */
    public static final int UNMEASURED_IN_SYNTH02 = 25;
    /** The study deposited as a 10x .h5 with fewer genes. */
    public static final String TENX_STUDY = "synth02";

    private Deposits() {}

    /** Writes and uploads every indexed study's deposit; returns each study's deposit version. */
    public static Map<String, String> depositAtlas(MinioClient s3, String bucket, SyntheticAtlas atlas, Path dir)
            throws Exception {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String id : SyntheticAtlas.indexedStudies()) {
            SyntheticStudy s = atlas.study(id);
            Path file;
            if (id.equals(TENX_STUDY)) {
                file = dir.resolve(id).resolve("filtered_feature_bc_matrix.h5");
                int from = UNMEASURED_IN_SYNTH02;
                TenxH5Writer.write(
                        file,
                        columns(s.counts(), from),
                        s.cellIds(),
                        s.genes().ids().subList(from, s.genes().size()),
                        s.genes().symbols().subList(from, s.genes().size()));
            } else {
                file = dir.resolve(id).resolve("counts.h5ad");
                H5adWriter.write(file, s);
            }
            s3.uploadObject(UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(ObjectLayout.depositPrefix(id) + file.getFileName())
                    .filename(file.toString())
                    .build());
            put(s3, bucket, ObjectLayout.studyJsonKey(id), studyJson(id));
            versions.put(id, version(s3, bucket, id));
        }
        return versions;
    }

    /** The gene names a study's deposit holds, in its order. */
    public static List<String> depositedGenes(SyntheticAtlas atlas, String study) {
        List<String> all = atlas.study(study).genes().symbols();
        return study.equals(TENX_STUDY) ? all.subList(UNMEASURED_IN_SYNTH02, all.size()) : all;
    }

    /** The study.json of a test study (the private one owned by the private group). */
    public static byte[] studyJson(String id) {
        ObsColumns columns = new ObsColumns(
                SyntheticStudy.DONOR,
                SyntheticStudy.SAMPLE,
                SyntheticStudy.CELL_TYPE,
                SyntheticStudy.CELL_TYPE_ONTOLOGY_ID);
        boolean priv = SyntheticAtlas.isPrivate(id);
        StudyMetadata m = new StudyMetadata(
                StudyMetadata.SCHEMA_VERSION,
                id,
                "Synthetic study " + id,
                null,
                "Homo sapiens",
                SyntheticAtlas.TISSUE_DISEASE.get(id)[0],
                SyntheticAtlas.TISSUE_DISEASE.get(id)[1],
                "10x 3' v3",
                id.equals(TENX_STUDY) ? null : columns,
                !id.equals(TENX_STUDY),
                priv ? Visibility.PRIVATE : Visibility.PUBLIC,
                priv ? SyntheticAtlas.PRIVATE_GROUP : null);
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** The deposit version of what {@code deposits/<study>/} holds now, as ingest computes it. */
    public static String version(MinioClient s3, String bucket, String study) throws Exception {
        String prefix = ObjectLayout.depositPrefix(study);
        List<DepositVersion.Listed> objects = new ArrayList<>();
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder()
                .bucket(bucket)
                .prefix(prefix)
                .recursive(true)
                .build())) {
            Item item = r.get();
            objects.add(new DepositVersion.Listed(item.objectName(), item.size(), item.etag()));
        }
        return DepositVersion.of(prefix, objects);
    }

    /** Puts one small object. */
    public static void put(MinioClient s3, String bucket, String key, byte[] content) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                        new ByteArrayInputStream(content), content.length, -1)
                .build());
    }

    /** Removes one object. */
    public static void remove(MinioClient s3, String bucket, String key) throws Exception {
        s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    }

    /** Columns {@code [from, cols)} of a batch. */
    static CsrBatch columns(CsrBatch b, int from) {
        int[] ptr = b.indptr();
        int[] idx = b.indices();
        float[] val = b.values();
        int[] outPtr = new int[b.rows() + 1];
        List<Integer> outIdx = new ArrayList<>();
        List<Float> outVal = new ArrayList<>();
        for (int r = 0; r < b.rows(); r++) {
            for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                if (idx[p] >= from) {
                    outIdx.add(idx[p] - from);
                    outVal.add(val[p]);
                }
            }
            outPtr[r + 1] = outIdx.size();
        }
        float[] v = new float[outVal.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = outVal.get(i);
        }
        return new CsrBatch(
                b.rows(),
                b.cols() - from,
                outPtr,
                outIdx.stream().mapToInt(Integer::intValue).toArray(),
                v);
    }
}
