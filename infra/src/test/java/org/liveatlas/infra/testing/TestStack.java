package org.liveatlas.infra.testing;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.liveatlas.infra.stack.Endpoints;

/**
 * What one test class sees of the shared embedded stack: its endpoints, clients, and names (topics,
 * buckets, indexes) unique to the class so that classes never see each other's data.
 */
public final class TestStack implements AutoCloseable {
    private final Endpoints endpoints;
    private final String suffix;
    private final AtomicInteger counter = new AtomicInteger();
    private MinioClient s3;
    private Admin admin;

    TestStack(Endpoints endpoints, String testClassName) {
        this.endpoints = endpoints;
        String simple = testClassName
                .substring(testClassName.lastIndexOf('.') + 1)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
        this.suffix = (simple.length() > 20 ? simple.substring(0, 20) : simple) + "-"
                + Integer.toHexString(testClassName.hashCode() & 0xfff) + SharedStack.RUN_ID;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public String kafkaBootstrap() {
        return endpoints.kafkaBootstrap();
    }

    public String s3Endpoint() {
        return endpoints.s3Endpoint();
    }

    public String s3AccessKey() {
        return endpoints.s3AccessKey();
    }

    public String s3SecretKey() {
        return endpoints.s3SecretKey();
    }

    public String openSearchUrl() {
        return endpoints.openSearchUrl();
    }

    /**
     * A name unique to this test class (and call): lower-case letters, digits and hyphens, valid as a
     * Kafka topic, an S3 bucket and an OpenSearch index name.
     */
    public String unique(String base) {
        String b = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String name = b + "-" + suffix + "-" + counter.incrementAndGet();
        return name.length() > 63 ? name.substring(name.length() - 63).replaceAll("^-+", "") : name;
    }

    /** Creates a topic with a unique name and returns that name. */
    public String createTopic(String base, int partitions, boolean compacted) {
        String name = unique(base);
        try {
            kafkaAdmin()
                    .createTopics(List.of(new NewTopic(name, partitions, (short) 1)
                            .configs(Map.of(
                                    TopicConfig.CLEANUP_POLICY_CONFIG,
                                    compacted
                                            ? TopicConfig.CLEANUP_POLICY_COMPACT
                                            : TopicConfig.CLEANUP_POLICY_DELETE))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            return name;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test topic " + name + ": " + e.getMessage(), e);
        }
    }

    /** Creates a bucket with a unique name and returns that name. */
    public String createBucket(String base) {
        String name = unique(base);
        try {
            if (!s3().bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
                s3().makeBucket(MakeBucketArgs.builder().bucket(name).build());
            }
            return name;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test bucket " + name + ": " + e.getMessage(), e);
        }
    }

    /** A MinIO client for the stack's S3 store, closed after the class. */
    public synchronized MinioClient s3() {
        if (s3 == null) {
            s3 = MinioClient.builder()
                    .endpoint(endpoints.s3Endpoint())
                    .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey())
                    .build();
        }
        return s3;
    }

    /** A Kafka admin client, closed after the class. */
    public synchronized Admin kafkaAdmin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()));
        }
        return admin;
    }

    @Override
    public synchronized void close() throws Exception {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }
}
