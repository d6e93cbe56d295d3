package org.liveatlas.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.ingest.Fixtures;

class MinioEventParserTest {
    @Test
    void readsBucketKeySizeAndEtagOfAPut() {
        assertThat(MinioEventParser.parse(fixture("put-study-json.json")))
                .containsExactly(new S3Notification(
                        "s3:ObjectCreated:Put",
                        "atlas",
                        "deposits/pbmc-1/study.json",
                        245,
                        "5d41402abc4b2a76b9719d911017c592"));
    }

    @Test
    void decodesUrlEncodedKeysOfMultipartUploads() {
        S3Notification n =
                MinioEventParser.parse(fixture("multipart-data-file.json")).get(0);
        assertThat(n.key()).isEqualTo("deposits/pbmc-1/my counts+v2.h5ad");
        assertThat(n.eventName()).isEqualTo("s3:ObjectCreated:CompleteMultipartUpload");
        assertThat(n.created()).isTrue();
        assertThat(n.etag()).endsWith("-4");
        assertThat(n.size()).isEqualTo(52428800);
    }

    @Test
    void readsRemovalsWhichCarryNoSizeOrEtag() {
        S3Notification n =
                MinioEventParser.parse(fixture("delete-study-json.json")).get(0);
        assertThat(n.removed()).isTrue();
        assertThat(n.created()).isFalse();
        assertThat(n.size()).isZero();
        assertThat(n.etag()).isEmpty();
        assertThat(n.key()).isEqualTo("deposits/pbmc-1/study.json");
    }

    @Test
    void acceptsAwsStylePayloadsWithOnlyRecords() {
        String aws = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"atlas\"},"
                + "\"object\":{\"key\":\"deposits/s1/a.h5ad\",\"size\":10,\"eTag\":\"e\"}}}]}";
        assertThat(MinioEventParser.parse(aws)).singleElement().satisfies(n -> assertThat(n.created())
                .isTrue());
    }

    @Test
    void rejectsMalformedNotificationsAsPoisonNamingTheProblem() {
        assertThatThrownBy(() -> MinioEventParser.parse("not json"))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> MinioEventParser.parse("{\"EventName\":\"s3:ObjectCreated:Put\"}"))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining("no Records");
        assertThatThrownBy(
                        () -> MinioEventParser.parse(
                                "{\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"atlas\"}}}]}"))
                .isInstanceOf(PoisonInputException.class)
                .hasMessageContaining("Records[0] lacks key");
    }

    private static String fixture(String name) {
        return new String(Fixtures.bytes("notifications/" + name), StandardCharsets.UTF_8);
    }
}
