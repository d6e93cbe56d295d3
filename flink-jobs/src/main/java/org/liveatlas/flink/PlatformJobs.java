package org.liveatlas.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.liveatlas.flink.index.IndexStudyJob;
import org.liveatlas.flink.reindex.ReindexJob;

/**
 * Submits the platform's two jobs (IndexStudyJob, ReindexJob) to the Flink session cluster that {@code ./atlas
 * up} runs, each only if no job of that name is already running there, so running it twice submits nothing
 * twice. The endpoints come from the launcher's {@code ATLAS_*} environment; {@code --key value} arguments
 * (the jobs' options) are passed to both jobs and win over the environment. Exits 0 when both jobs run.
 */
public final class PlatformJobs {
    /** Flink job states in which a job still occupies its name (it runs or will run again). */
    private static final Set<String> ALIVE =
            Set.of("INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "FAILING", "CANCELLING", "RECONCILING");

    private PlatformJobs() {}

    /** One job of the platform: its name on the cluster and how to submit it. */
    private record Job(String name, Submitter submitter) {}

    @FunctionalInterface
    private interface Submitter {
        JobClient submit(String[] args) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String[] options = options(env, args);
        String rest = value(options, "atlas.flink.rest-url");
        Set<String> running = runningJobNames(rest);
        int submitted = 0;
        for (Job job : List.of(
                new Job(IndexStudyJob.NAME, IndexStudyJob::submit), new Job(ReindexJob.NAME, ReindexJob::submit))) {
            if (running.contains(job.name())) {
                System.out.println(job.name() + " is already running on " + rest);
                continue;
            }
            JobClient client = job.submitter().submit(options);
            System.out.println("submitted " + job.name() + " to " + rest + " as job " + client.getJobID());
            submitted++;
        }
        System.out.println(submitted == 0 ? "both jobs were already running" : "submitted " + submitted + " job(s)");
    }

    /**
     * The jobs' options: the stack's endpoints from the environment, then the arguments (which override them).
     */
    static String[] options(Map<String, String> env, String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        copy(env, "ATLAS_KAFKA_BOOTSTRAP", o, "atlas.kafka.bootstrap");
        copy(env, "ATLAS_S3_ENDPOINT", o, "atlas.s3.endpoint");
        copy(env, "ATLAS_S3_BUCKET", o, "atlas.s3.bucket");
        copy(env, "ATLAS_OPENSEARCH_URL", o, "atlas.opensearch.url");
        copy(env, "ATLAS_FLINK_REST_URL", o, "atlas.flink.rest-url");
        copy(env, "ATLAS_FLINK_MODE", o, "atlas.flink.mode");
        copy(env, "ATLAS_MIN_SHARED_GENES", o, "atlas.study.min-shared-genes");
        copy(env, "ATLAS_FLINK_CHECKPOINTS_DIR", o, "atlas.flink.checkpoints-dir");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs (the jobs' options), got '" + a + "'");
            }
            o.put(a.substring(2), args[++i]);
        }
        if (!o.containsKey("atlas.flink.rest-url")) {
            o.put("atlas.flink.rest-url", "http://127.0.0.1:8081");
        }
        List<String> out = new ArrayList<>();
        o.forEach((k, v) -> {
            out.add("--" + k);
            out.add(v);
        });
        return out.toArray(String[]::new);
    }

    private static void copy(Map<String, String> env, String var, Map<String, String> to, String key) {
        String v = env.get(var);
        if (v != null && !v.isBlank()) {
            to.put(key, v.trim());
        }
    }

    private static String value(String[] options, String key) {
        for (int i = 0; i + 1 < options.length; i += 2) {
            if (options[i].equals("--" + key)) {
                return options[i + 1];
            }
        }
        throw new IllegalArgumentException("no --" + key);
    }

    /** Names of the jobs on the cluster that are not finished, from its REST API ({@code /jobs/overview}). */
    static Set<String> runningJobNames(String restUrl) throws Exception {
        String url = (restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl) + "/jobs/overview";
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + url + " answered HTTP " + r.statusCode() + "; is the Flink cluster up (./atlas status)?");
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode job : new ObjectMapper().readTree(r.body()).path("jobs")) {
            if (ALIVE.contains(job.path("state").asText())) {
                names.add(job.path("name").asText());
            }
        }
        return names;
    }
}
