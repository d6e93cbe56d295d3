package org.liveatlas.query.annotate;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An annotation job as {@code GET /v1/jobs/{id}} shows it to its owner.
 *
 * @param id the job's id
 * @param state {@code queued}, {@code running}, {@code succeeded}, {@code failed} or {@code cancelled}
 * @param created when it was submitted (ISO-8601)
 * @param upload the upload's name
 * @param cellsTotal cells in the upload
 * @param cellsDone cells annotated so far
 * @param progress {@code cells_done / cells_total}, in [0, 1]
 * @param cancelRequested true once its owner asked to cancel it (a running job stops at its next batch)
 * @param finished when it ended (ISO-8601)
 * @param result once succeeded: the path of the result, {@code /v1/jobs/{id}/result}
 * @param labels once succeeded: cells per label, most frequent first
 * @param error once failed or cancelled: the problem document saying why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "JobStatus")
public record JobStatus(
        String id,
        @Schema(enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) String state,
        String created,
        String upload,
        int cellsTotal,
        int cellsDone,
        double progress,
        Boolean cancelRequested,
        String finished,
        String result,
        Map<String, Long> labels,
        @Schema(ref = "Problem") Map<String, Object> error) {}
