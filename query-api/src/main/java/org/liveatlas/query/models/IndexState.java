package org.liveatlas.query.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Where a model version's cells index stands, so a client knows whether it can pin the version.
 *
 * @param name the index, {@code cells-<version>}
 * @param state {@code serving} (the cells alias points at it), {@code retired} (kept for pinned queries for the
 *     platform's retention, counted from the later of {@code retired_at} and {@code last_used_at}), {@code
 *     present} (built, never served), {@code gone} (deleted or never built: the version cannot be pinned) or
 *     {@code unknown} (OpenSearch did not answer)
 * @param retiredAt when the alias left it
 * @param lastUsedAt when a query last pinned it after it retired
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "IndexState")
public record IndexState(
        String name,
        @Schema(enumeration = {"serving", "retired", "present", "gone", "unknown"}) String state,
        String retiredAt,
        String lastUsedAt) {}
