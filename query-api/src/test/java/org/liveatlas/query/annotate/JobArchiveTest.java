package org.liveatlas.query.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.annotate.ConsensusMethod;
import org.liveatlas.core.annotate.VoteWeighting;
import org.liveatlas.query.security.Caller;

/**
 * A job archived in a folder (what a restarted API reads) gives back its record, its upload as staged and
 * its result cell for cell; deleting it leaves nothing. The object-store archive is exercised by
 * {@code PlatformRunIT} (a killed API's jobs finished by the next one).
 */
class JobArchiveTest {

    @Test
    void aJobsRecordUploadAndResultComeBackAsTheyWere(@TempDir Path dir) throws Exception {
        JobArchive archive = new JobArchive(JobBlobs.folder(dir.resolve("archive")), dir.resolve("work"));
        Path uploadFolder = Files.createDirectories(dir.resolve("upload-1/tenx"));
        Files.writeString(uploadFolder.resolve("matrix.mtx.gz"), "m");
        Files.writeString(uploadFolder.resolve("barcodes.tsv.gz"), "b");
        Uploads.Staged staged = new Uploads.Staged(uploadFolder, dir.resolve("upload-1"), "pbmc.zip");
        AnnotateOptions options = new AnnotateOptions(
                30,
                VoteWeighting.INVERSE_DISTANCE,
                List.of("B cell"),
                List.of(),
                "leiden",
                ConsensusMethod.POOLED_HITS,
                "m1");
        Job job = new Job("job-1", new Caller("alice", Set.of("lab-a", "lab-b")), Instant.now(), 3, options, staged);
        archive.saveUpload(job.id, staged);

        AnnotatedCells cells = AnnotatedCells.spooled(dir.resolve("spool"));
        List<CellAnnotation> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CellAnnotation c = new CellAnnotation(
                    "cell-" + i,
                    "B cell",
                    "B cell",
                    "CL:0000236",
                    "CL:0000236",
                    false,
                    0.01 * i,
                    0.2,
                    0.9,
                    1.0,
                    0.9,
                    1.0,
                    30,
                    "c" + i,
                    null);
            written.add(c);
            cells.add(c, new float[] {i, 1, -i});
        }
        cells.clusterLabels(Map.of("c1", "T cell"));
        Map<String, Long> labels = new LinkedHashMap<>(Map.of("B cell", 3L));
        AnnotationResult result = new AnnotationResult(
                "m1",
                0.2,
                options,
                3,
                3,
                900,
                1000,
                labels,
                0.0,
                List.of(),
                new AnnotationResult.Reference("m1", "cells-m1", 1200),
                cells);
        AnnotatedCells.SpoolFiles spool = cells.spoolFiles();
        archive.saveResult(job.id, spool);
        job.succeeded(result, JobArchive.ResultSummary.of(result, spool));
        archive.save(job.record());

        List<JobArchive.JobRecord> records = archive.records();
        assertThat(records).hasSize(1);
        Job back = new Job(records.get(0));
        assertThat(back.id).isEqualTo("job-1");
        assertThat(back.caller).isEqualTo(new Caller("alice", Set.of("lab-a", "lab-b")));
        assertThat(back.state()).isEqualTo(Job.State.SUCCEEDED);
        assertThat(back.options).isEqualTo(options);
        assertThat(back.cellsDone.get()).isEqualTo(3);

        Uploads.Staged again = archive.loadUpload(records.get(0));
        assertThat(again.name()).isEqualTo("pbmc.zip");
        assertThat(again.input()).isDirectory().isEqualTo(again.folder().resolve("tenx"));
        assertThat(Files.readString(again.input().resolve("matrix.mtx.gz"))).isEqualTo("m");

        AnnotationResult restored = archive.loadResult(records.get(0));
        assertThat(restored.labels()).isEqualTo(labels);
        assertThat(restored.reference()).isEqualTo(result.reference());
        List<CellAnnotation> expected = new ArrayList<>(written);
        expected.set(1, written.get(1).withCluster("c1", "T cell"));
        assertThat(restored.cells().list()).isEqualTo(expected);
        List<float[]> vectors = new ArrayList<>();
        restored.cells().embeddings().forEach(vectors::add);
        assertThat(vectors).hasSize(3);
        assertThat(vectors.get(2)).containsExactly(2f, 1f, -2f);

        archive.delete(job.id);
        assertThat(archive.records()).isEmpty();
        assertThat(JobBlobs.folder(dir.resolve("archive")).list("")).isEmpty();
        restored.cells().close();
        again.close();
        cells.close();
    }
}
