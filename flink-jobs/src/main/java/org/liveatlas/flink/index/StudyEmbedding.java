package org.liveatlas.flink.index;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.qc.QcReport;
import org.liveatlas.flink.opensearch.BulkAction;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * One pass of a study file through a model into cell documents: preprocess in row chunks, embed, annotate
 * against the reference cells of the target index, one upsert per kept cell. Shared by the indexing and the
 * re-indexing jobs. Poison input (including obs columns the study.json names but the file lacks) propagates as
 * {@link PoisonInputException}, naming the local file.
 */
public final class StudyEmbedding {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StudyEmbedding.class);

    /** Counts after each chunk. */
    public interface Progress {
        void chunkDone(long total, QcReport soFar, long embedded);
    }

    /** What to do when the study.json names an obs column that the file lacks. */
    public enum NamedColumns {
        /** Poison: the study is quarantined before any cell is embedded (a new deposit). */
        REQUIRED,
        /**
         * Leave the field empty: for a study already in the atlas, indexed before the check existed, whose cells
         * a re-index reproduces as they were instead of abandoning the whole rebuild over them.
         */
        WHERE_PRESENT
    }

    /** What a pass produced. */
    public record Result(long total, QcReport qc, long embedded) {}

    private StudyEmbedding() {}

    /**
     * Embeds {@code input} with {@code model} into upserts for {@code index}; {@code group} (nullable) is what
     * the sink counts their acknowledgements under; {@code named} says whether the obs columns the study.json
     * names must all be in the file.
     */
    public static Result run(
            LoadedModel model,
            ReferenceAnnotator annotator,
            String index,
            StudyMetadata study,
            String depositVersion,
            Path input,
            NamedColumns named,
            String group,
            Consumer<BulkAction> out,
            Progress progress)
            throws IOException, InterruptedException {
        long embedded = 0;
        long embedNanos = 0;
        long annotateNanos = 0;
        long emitNanos = 0;
        long start = System.nanoTime();
        annotator.invalidate(); // reference cells may have changed since the previous study
        try (PreparedStudy prepared = model.preprocessor().open(study.studyId(), input)) {
            StudyReader reader = prepared.reader();
            CellDocuments.ObsValues obs = obsValues(reader, study, input, named);
            long total = reader.cellCount();
            int latent = model.latentDim();
            while (prepared.hasNext()) {
                PreparedChunk chunk = prepared.next();
                int rows = chunk.cells();
                long t0 = System.nanoTime();
                float[] emb = model.encoder().embed(chunk.expression());
                long t1 = System.nanoTime();
                List<CellVote> votes = annotator.annotate(index, study.studyId(), emb, rows, latent);
                long t2 = System.nanoTime();
                embedNanos += t1 - t0;
                annotateNanos += t2 - t1;
                int[] studyRows = chunk.studyRows();
                Instant now = Instant.now();
                for (int r = 0; r < rows; r++) {
                    String cellId = chunk.cellIds().get(r);
                    String doc = CellDocuments.document(
                            study,
                            depositVersion,
                            model.version(),
                            cellId,
                            studyRows[r],
                            obs,
                            emb,
                            r,
                            latent,
                            votes.get(r),
                            now);
                    out.accept(BulkAction.upsert(index, CellDocuments.id(study.studyId(), cellId), doc, group));
                }
                embedded += rows;
                emitNanos += System.nanoTime() - t2;
                progress.chunkDone(total, prepared.qcReport(), embedded);
            }
            LOG.info(
                    "study {}: {} cells in {} ms (embed {} ms, annotate {} ms, documents and sink {} ms, read and"
                            + " preprocess the rest)",
                    study.studyId(),
                    embedded,
                    (System.nanoTime() - start) / 1_000_000,
                    embedNanos / 1_000_000,
                    annotateNanos / 1_000_000,
                    emitNanos / 1_000_000);
            return new Result(total, prepared.qcReport(), embedded);
        }
    }

    /**
     * The values of the obs columns the study.json names. When they are {@link NamedColumns#REQUIRED}, a named
     * column the file lacks quarantines the study before any cell is embedded; the reason names {@code input}, the
     * local copy, and callers that quarantine put the object key in its place ({@link
     * LocalDeposit#withObjectKeys}).
     */
    private static CellDocuments.ObsValues obsValues(
            StudyReader reader, StudyMetadata study, Path input, NamedColumns named) {
        ObsColumns columns = study.columns();
        if (columns == null) {
            return new CellDocuments.ObsValues(null, null, null, null);
        }
        List<String> names = reader.obsColumnNames();
        if (named == NamedColumns.REQUIRED) {
            NamedObsColumns.problem(study.studyId(), columns, names, input.toString())
                    .ifPresent(problem -> {
                        throw new PoisonInputException(problem);
                    });
        }
        return new CellDocuments.ObsValues(
                column(reader, names, columns.donor()),
                column(reader, names, columns.sample()),
                column(reader, names, columns.cellTypeLabel()),
                column(reader, names, columns.cellOntologyId()));
    }

    private static List<String> column(StudyReader reader, List<String> names, String name) {
        return name != null && names.contains(name) ? reader.obsColumn(name) : null;
    }
}
