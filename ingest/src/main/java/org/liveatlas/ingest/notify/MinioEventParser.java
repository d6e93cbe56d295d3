package org.liveatlas.ingest.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.schemas.Json;

/**
 * Parses the JSON MinIO publishes for a bucket notification: {@code {"EventName": ..., "Key": "<bucket>/<key>",
 * "Records": [{"eventName": ..., "s3": {"bucket": {"name": ...}, "object": {"key": ..., "size": ..., "eTag":
 * ...}}}]}}. Record keys are URL-encoded (as in AWS S3 events) and are decoded here. A plain AWS-style payload
 * with only {@code Records} is accepted too.
 */
public final class MinioEventParser {
    private MinioEventParser() {}

    /** The object events in one notification message; throws {@link PoisonInputException} on malformed input. */
    public static List<S3Notification> parse(String json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new PoisonInputException("bucket notification is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new PoisonInputException("bucket notification is not a JSON object");
        }
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray()) {
            throw new PoisonInputException("bucket notification has no Records array (EventName "
                    + root.path("EventName").asText("absent") + ")");
        }
        List<S3Notification> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            String eventName = text(record, "eventName", i);
            JsonNode s3 = record.path("s3");
            String bucket = text(s3.path("bucket"), "name", i);
            String rawKey = text(s3.path("object"), "key", i);
            String key;
            try {
                key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new PoisonInputException(
                        "bucket notification Records[" + i + "].s3.object.key '" + rawKey + "' is not URL-encoded");
            }
            long size = s3.path("object").path("size").asLong(0);
            String etag = s3.path("object").path("eTag").asText("");
            out.add(new S3Notification(eventName, bucket, key, size, etag));
        }
        return out;
    }

    private static String text(JsonNode node, String field, int index) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new PoisonInputException("bucket notification Records[" + index + "] lacks " + field);
        }
        return value.asText();
    }
}
