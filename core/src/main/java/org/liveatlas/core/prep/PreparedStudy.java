package org.liveatlas.core.prep;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.liveatlas.core.align.AlignmentReport;
import org.liveatlas.core.align.GeneAlignment;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.norm.LogNormalizer;
import org.liveatlas.core.qc.CellQc;
import org.liveatlas.core.qc.QcReport;

/**
 * One pass over a study: read a chunk of validated counts, QC it on the study's genes, align the kept
 * cells to the model's genes, lognorm them. Chunks whose cells were all dropped are skipped. The
 * alignment report is known from the start; the QC tally covers the chunks read so far and is the
 * study's report once {@link #hasNext()} is false. A {@link org.liveatlas.core.PoisonInputException}
 * from the reader (bad counts, corrupt file) propagates from {@link #hasNext()} / {@link #next()}, or
 * already from opening for Matrix Market and CSC studies, which are validated while being spooled.
 * Closing it closes the reader. Not thread-safe.
 */
public final class PreparedStudy implements Iterator<PreparedChunk>, AutoCloseable {
    private final StudyReader reader;
    private final GeneAlignment alignment;
    private final CellQc qc;
    private final Iterator<CsrBatch> batches;
    private final List<String> cellIds;
    private int nextRow;
    private PreparedChunk pending;
    private int pendingFirstRow;
    private boolean keepCounts;

    PreparedStudy(StudyReader reader, GeneAlignment alignment, CellQc qc, int chunkRows, int firstRow) {
        this.reader = reader;
        this.alignment = alignment;
        this.qc = qc;
        this.cellIds = reader.cellIds();
        this.batches = reader.batches(chunkRows, firstRow);
        this.nextRow = firstRow;
    }

    /**
     * Makes the chunks handed out from now on also carry their cells' raw counts aligned to the model's
     * gene order ({@link PreparedChunk#counts()}), e.g. for SCimilarity's summed-counts centroid.
     */
    public PreparedStudy keepCounts() {
        this.keepCounts = true;
        return this;
    }

    /** The opened study, for its metadata (obs columns, cell ids, format). */
    public StudyReader reader() {
        return reader;
    }

    public AlignmentReport alignmentReport() {
        return alignment.report();
    }

    /** The QC tally so far; the study's full report after the last chunk. */
    public QcReport qcReport() {
        return qc.report();
    }

    /**
     * The study row that the chunks handed out so far reach (cells dropped by QC included): progress
     * against {@code reader().cellCount()}, and the {@code firstRow} from which a new pass resumes
     * without repeating or missing a handed-out cell. A chunk fetched by {@link #hasNext()} but not yet
     * returned by {@link #next()} does not count.
     */
    public int cellsRead() {
        return pending != null ? pendingFirstRow : nextRow;
    }

    /** Whether every chunk has been read (then {@link #qcReport()} is final). */
    public boolean finished() {
        return pending == null && !batches.hasNext();
    }

    @Override
    public boolean hasNext() {
        while (pending == null && batches.hasNext()) {
            CsrBatch counts = batches.next();
            int first = nextRow;
            nextRow += counts.rows();
            CellQc.Filtered kept = qc.filter(counts, first);
            if (kept.kept().rows() == 0) {
                continue;
            }
            int[] rows = kept.studyRows();
            List<String> ids = Arrays.stream(rows).mapToObj(cellIds::get).toList();
            CsrBatch aligned = alignment.apply(kept.kept());
            pending = new PreparedChunk(rows, ids, LogNormalizer.lognorm(aligned), keepCounts ? aligned : null);
            pendingFirstRow = first;
        }
        return pending != null;
    }

    @Override
    public PreparedChunk next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        PreparedChunk out = pending;
        pending = null;
        return out;
    }

    @Override
    public void close() {
        reader.close();
    }
}
