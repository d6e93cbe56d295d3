package org.liveatlas.query.annotate;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.liveatlas.core.annotate.ConsensusMethod;
import org.liveatlas.core.annotate.VoteWeighting;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.security.CurrentCaller;

/**
 * {@code POST /v1/annotate} (a file upload or JSON counts) and {@code GET /v1/jobs/{id}}: small inputs
 * are answered at once (200), larger ones run as a job (202 with {@code Location: /v1/jobs/{id}}).
 */
@Path("/v1")
public class AnnotateResource {
    /** CSV media type of results. */
    public static final String TEXT_CSV = "text/csv";

    private static final String RETRY_AFTER = "Retry-After";

    // OpenAPI texts shared by the JSON and multipart forms of POST /v1/annotate (one operation in the document)
    // and by the job's result
    private static final String ANNOTATE_SUMMARY = "Annotate cells: an uploaded .h5ad, 10x .h5 or zipped 10x"
            + " folder (multipart field 'file'), or raw counts posted as JSON";
    private static final String ANNOTATE_DESCRIPTION = "Up to atlas.query.annotate.sync-max-cells cells are answered"
            + " at once (200); more run as a job (202: poll the Location). The multipart form takes the JSON body's"
            + " options as fields (k, weighting, safelist and blocklist repeated once per label, cluster_column,"
            + " consensus).";
    private static final String RESULT_FORMS = "The annotation: JSON, CSV (?format=csv or Accept: text/csv) or the"
            + " upload as an .h5ad with labels, statistics and embeddings (?format=h5ad or Accept: application/x-hdf5)";
    private static final String FORMAT = "the result's form, else chosen by the Accept header (default json)";
    private static final String UNUSABLE = "The upload was read but cannot be annotated: an unknown file format, a"
            + " corrupt file, too few of the model's genes (unknown-format, unusable-input)";
    private static final String NO_JOB = "No such job of this caller (job-not-found); finished jobs expire";

    @Inject
    Uploads uploads;

    @Inject
    Annotator annotator;

    @Inject
    JobStore jobs;

    @Inject
    QueryConfig config;

    @Inject
    CurrentCaller caller;

    @Inject
    HttpHeaders headers;

    /**
     * JSON form of an annotation request.
     *
     * @param counts the cells
     * @param k voting neighbours (default 50)
     * @param weighting {@code unweighted} or {@code inverse_distance}
     * @param safelist only these labels vote
     * @param blocklist these labels never vote
     * @param clusterColumn a column of {@code counts.obs} with clusters
     * @param consensus {@code majority_of_cells} or {@code pooled_hits}
     * @param modelVersion pin a model version: embed with it and vote with its reference (absent: the serving one)
     */
    @Schema(name = "AnnotateRequest")
    public record JsonRequest(
            JsonCounts counts,
            Integer k,
            VoteWeighting weighting,
            List<String> safelist,
            List<String> blocklist,
            String clusterColumn,
            ConsensusMethod consensus,
            String modelVersion) {}

    @POST
    @Path("/annotate")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV, AnnotationH5ad.MEDIA_TYPE})
    @Operation(summary = ANNOTATE_SUMMARY, description = ANNOTATE_DESCRIPTION)
    @APIResponse(
            responseCode = "200",
            description = RESULT_FORMS,
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = AnnotationResult.class)),
                @Content(mediaType = TEXT_CSV, schema = @Schema(type = SchemaType.STRING)),
                @Content(
                        mediaType = AnnotationH5ad.MEDIA_TYPE,
                        schema = @Schema(type = SchemaType.STRING, format = "binary"))
            })
    @APIResponse(
            responseCode = "202",
            description = "Too many cells to answer at once: the annotation runs as a job",
            headers = {
                @Header(
                        name = "Location",
                        description = "the job's status, /v1/jobs/{id}",
                        schema = @Schema(type = SchemaType.STRING, format = "uri-reference")),
                @Header(
                        name = RETRY_AFTER,
                        description = "seconds until the status is worth asking for",
                        schema = @Schema(type = SchemaType.INTEGER))
            },
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = JobAccepted.class)))
    @APIResponse(responseCode = "422", description = UNUSABLE)
    public Response annotateFile(
            @RestForm("file") FileUpload file,
            @RestForm("k") String k,
            @RestForm("weighting") String weighting,
            @RestForm("safelist") List<String> safelist,
            @RestForm("blocklist") List<String> blocklist,
            @RestForm("cluster_column") String clusterColumn,
            @RestForm("consensus") String consensus,
            @RestForm("model_version") String modelVersion,
            @Parameter(
                            in = ParameterIn.QUERY,
                            description = FORMAT,
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"json", "csv", "h5ad"}))
                    @QueryParam("format")
                    String format) {
        Caller c = caller.get();
        Uploads.requireFile(file);
        AnnotateOptions options = new AnnotateOptions(
                        parseK(k),
                        parseEnum(VoteWeighting.class, "weighting", weighting),
                        labels(safelist),
                        labels(blocklist),
                        clusterColumn,
                        parseEnum(ConsensusMethod.class, "consensus", consensus),
                        modelVersion)
                .checked(config.annotate().maxK());
        Uploads.Staged staged = uploads.stageFile(file.uploadedFile(), file.fileName());
        return run(c, staged, options, format);
    }

    @POST
    @Path("/annotate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV, AnnotationH5ad.MEDIA_TYPE})
    @Operation(summary = ANNOTATE_SUMMARY, description = ANNOTATE_DESCRIPTION)
    // the document merges this and the multipart form into one operation: its answers are documented there
    public Response annotateJson(
            JsonRequest body,
            @Parameter(
                            in = ParameterIn.QUERY,
                            description = FORMAT,
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"json", "csv", "h5ad"}))
                    @QueryParam("format")
                    String format) {
        Caller c = caller.get();
        if (body == null || body.counts() == null) {
            throw ApiProblem.badRequest("missing-counts", "the body needs 'counts' with genes, cell_ids and counts");
        }
        AnnotateOptions options = new AnnotateOptions(
                        body.k() == null ? config.annotate().defaultK() : body.k(),
                        body.weighting(),
                        body.safelist(),
                        body.blocklist(),
                        body.clusterColumn(),
                        body.consensus(),
                        body.modelVersion())
                .checked(config.annotate().maxK());
        Uploads.Staged staged =
                uploads.stageJson(body.counts(), config.annotate().syncMaxCells());
        return run(c, staged, options, format);
    }

    /**
     * The caller's jobs.
     *
     * @param count how many
     * @param jobs newest first
     */
    @Schema(name = "JobList")
    public record JobList(int count, List<JobStatus> jobs) {}

    @GET
    @Path("/jobs")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The caller's annotation jobs, newest first, with state and progress (jobs outlive a restart"
                    + " of the API)")
    @APIResponse(
            responseCode = "200",
            description = "The caller's jobs",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobList.class)))
    public JobList jobList() {
        List<JobStatus> list =
                jobs.list(caller.get()).stream().map(AnnotateResource::status).toList();
        return new JobList(list.size(), list);
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An annotation job's state and progress")
    @APIResponse(
            responseCode = "200",
            description = "The job; while it is queued or running, Retry-After says when to ask again",
            headers =
                    @Header(
                            name = RETRY_AFTER,
                            description = "while queued or running: seconds until the next poll is worth making",
                            schema = @Schema(type = SchemaType.INTEGER)),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "404", description = NO_JOB)
    public Response job(@PathParam("id") String id) {
        Job j = jobs.find(caller.get(), id).orElseThrow(() -> noJob(id));
        Response.ResponseBuilder r = Response.ok(status(j)).type(MediaType.APPLICATION_JSON);
        if (!j.state().finished()) {
            r.header(RETRY_AFTER, POLL_SECONDS); // when to ask again, while it is queued or running
        }
        return r.build();
    }

    @DELETE
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Cancels a queued or running job (a running one stops at its next batch of cells: 202 until"
                    + " then); deletes a finished job with its result (204)")
    @APIResponse(
            responseCode = "200",
            description = "The queued job, now cancelled",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(
            responseCode = "202",
            description = "The running job will stop at its next batch of cells; poll its status",
            headers =
                    @Header(
                            name = RETRY_AFTER,
                            description = "seconds until the status is worth asking for",
                            schema = @Schema(type = SchemaType.INTEGER)),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "204", description = "The finished job and its result are deleted")
    @APIResponse(responseCode = "404", description = NO_JOB)
    public Response cancelJob(@PathParam("id") String id) {
        Job j = jobs.cancel(caller.get(), id).orElseThrow(() -> noJob(id));
        if (j.state().finished() && !j.cancelRequested.get()) {
            return Response.noContent().build();
        }
        if (j.state() == Job.State.CANCELLED) {
            return Response.ok(status(j)).type(MediaType.APPLICATION_JSON).build();
        }
        return Response.accepted(status(j))
                .type(MediaType.APPLICATION_JSON)
                .header(RETRY_AFTER, POLL_SECONDS)
                .build();
    }

    /** A job's status document. */
    private static JobStatus status(Job j) {
        int done = j.cellsDone.get();
        boolean succeeded = j.state() == Job.State.SUCCEEDED;
        Map<String, Long> labels = null;
        if (succeeded) {
            AnnotationResult r = j.result();
            labels = r != null
                    ? r.labels()
                    : j.archivedResult() == null ? Map.of() : j.archivedResult().labels();
        }
        return new JobStatus(
                j.id,
                j.state().label(),
                j.created.toString(),
                j.uploadName,
                j.cellsTotal,
                done,
                j.cellsTotal == 0 ? 1.0 : Math.min(1.0, done / (double) j.cellsTotal),
                j.cancelRequested.get() ? Boolean.TRUE : null,
                j.finished() == null ? null : j.finished().toString(),
                succeeded ? "/v1/jobs/" + j.id + "/result" : null,
                labels,
                j.state() == Job.State.FAILED || j.state() == Job.State.CANCELLED ? j.problem() : null);
    }

    /** The {@code Retry-After} of a queued or running job: seconds until a poll is worth making. */
    static final int POLL_SECONDS = 2;

    @GET
    @Path("/jobs/{id}/result")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV, AnnotationH5ad.MEDIA_TYPE})
    @Operation(
            summary = "A finished job's annotation, as JSON, CSV (?format=csv) or an .h5ad with labels, statistics and"
                    + " embeddings (?format=h5ad)")
    @APIResponse(
            responseCode = "200",
            description = RESULT_FORMS,
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = AnnotationResult.class)),
                @Content(mediaType = TEXT_CSV, schema = @Schema(type = SchemaType.STRING)),
                @Content(
                        mediaType = AnnotationH5ad.MEDIA_TYPE,
                        schema = @Schema(type = SchemaType.STRING, format = "binary"))
            })
    @APIResponse(responseCode = "404", description = NO_JOB)
    @APIResponse(responseCode = "409", description = "The job has not finished (job-not-finished); poll its status")
    public Response jobResult(
            @PathParam("id") String id,
            @Parameter(
                            in = ParameterIn.QUERY,
                            description = FORMAT,
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"json", "csv", "h5ad"}))
                    @QueryParam("format")
                    String format) {
        Job j = jobs.find(caller.get(), id).orElseThrow(() -> noJob(id));
        if (j.state() != Job.State.SUCCEEDED) {
            throw ApiProblem.of(
                    409,
                    j.state().finished() ? "job-not-succeeded" : "job-not-finished",
                    "Conflict",
                    j.state().finished()
                            ? "job " + id + " is " + j.state().label() + " and has no result; GET /v1/jobs/" + id
                                    + " gives its error"
                            : "job " + id + " is " + j.state().label() + "; poll /v1/jobs/" + id);
        }
        return render(jobs.result(j), format, () -> jobs.upload(j).input());
    }

    private Response run(Caller c, Uploads.Staged staged, AnnotateOptions options, String format) {
        boolean queued = false;
        try {
            int cells = annotator.inspect(staged, options);
            if (cells > config.annotate().syncMaxCells()) {
                String id = jobs.submit(c, staged, options, cells);
                queued = true;
                return Response.accepted(new JobAccepted(id, "queued", cells, "/v1/jobs/" + id))
                        .location(URI.create("/v1/jobs/" + id))
                        .header(RETRY_AFTER, POLL_SECONDS)
                        .type(MediaType.APPLICATION_JSON)
                        .build();
            }
            return render(annotator.annotate(c, staged, options, n -> {}), format, staged.input());
        } finally {
            if (!queued) {
                staged.close();
            }
        }
    }

    /** The result in the asked format; {@code input} is the annotated upload, still on disk. */
    private Response render(AnnotationResult r, String format, java.nio.file.Path input) {
        return render(r, format, () -> input);
    }

    /** {@code input} is asked for only by the {@code .h5ad} form (a restored job fetches its upload then). */
    private Response render(AnnotationResult r, String format, java.util.function.Supplier<java.nio.file.Path> input) {
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accepts(TEXT_CSV));
        boolean h5ad =
                "h5ad".equalsIgnoreCase(format) || (format == null && !csv && accepts(AnnotationH5ad.MEDIA_TYPE));
        if (format != null && !csv && !h5ad && !"json".equalsIgnoreCase(format)) {
            throw ApiProblem.badRequest("invalid-value", "format '" + format + "' is not json, csv or h5ad")
                    .with("field", "format");
        }
        if (h5ad) {
            return h5ad(r, input.get());
        }
        if (csv) {
            StreamingOutput body = out -> {
                java.io.Writer w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
                r.writeCsv(w);
                w.flush();
            };
            return Response.ok(body, TEXT_CSV)
                    .header("Content-Disposition", "attachment; filename=\"annotation.csv\"")
                    .build();
        }
        return Response.ok(r, MediaType.APPLICATION_JSON).build();
    }

    private boolean accepts(String type) {
        MediaType wanted = MediaType.valueOf(type);
        return headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(wanted) && !m.isWildcardType());
    }

    /** The result as an .h5ad, written to a staging file that is deleted once sent. */
    private Response h5ad(AnnotationResult r, java.nio.file.Path input) {
        java.nio.file.Path file;
        try {
            java.nio.file.Path dir = config.annotate().workDir();
            java.nio.file.Files.createDirectories(dir);
            file = java.nio.file.Files.createTempFile(dir, "annotation-", ".h5ad");
            AnnotationH5ad.write(r, input, file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot stage the .h5ad result", e);
        }
        StreamingOutput body = out -> {
            try {
                java.nio.file.Files.copy(file, out);
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        };
        return Response.ok(body, AnnotationH5ad.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"annotation.h5ad\"")
                .build();
    }

    private int parseK(String k) {
        if (k == null || k.isBlank()) {
            return config.annotate().defaultK();
        }
        try {
            return Integer.parseInt(k.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("wrong-type", "k '" + k + "' is not a whole number")
                    .with("field", "k");
        }
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(
                            "invalid-value",
                            field + " '" + value + "' is not one of "
                                    + Arrays.stream(type.getEnumConstants())
                                            .map(x -> x.name().toLowerCase(Locale.ROOT))
                                            .toList())
                    .with("field", field);
        }
    }

    /** Labels from repeated form fields, one label each (Cell Ontology names may hold commas). */
    private static List<String> labels(List<String> fields) {
        if (fields == null) {
            return List.of();
        }
        return fields.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static ApiProblem noJob(String id) {
        return ApiProblem.notFound("job-not-found", "no job '" + id + "' belongs to this key (finished jobs expire)")
                .with("job_id", id);
    }
}
