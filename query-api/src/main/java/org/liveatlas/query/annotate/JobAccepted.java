package org.liveatlas.query.annotate;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The 202 answer of an annotation that runs as a job; its status is at {@code status} (also the {@code
 * Location} header), worth asking again after {@code Retry-After} seconds.
 *
 * @param id the job's id
 * @param state {@code queued}
 * @param cellsTotal cells in the upload
 * @param status path of the job's status, {@code /v1/jobs/{id}}
 */
@Schema(name = "JobAccepted")
public record JobAccepted(String id, @Schema(enumeration = {"queued"}) String state, int cellsTotal, String status) {}
