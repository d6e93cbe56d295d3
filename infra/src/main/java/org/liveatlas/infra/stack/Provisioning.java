package org.liveatlas.infra.stack;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.liveatlas.schemas.topics.TopicSpec;
import org.liveatlas.schemas.topics.Topics;

/** Creates what the platform needs on a fresh stack: the bucket and the topics of {@link Topics#all()}. */
public final class Provisioning {
    private Provisioning() {}

    /** Creates the bucket unless it exists. */
    public static void ensureBucket(Endpoints e, String bucket) {
        try (MinioClient s3 = MinioClient.builder()
                .endpoint(e.s3Endpoint())
                .credentials(e.s3AccessKey(), e.s3SecretKey())
                .build()) {
            if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (Exception ex) {
            throw new StackException(
                    "cannot create bucket '" + bucket + "' at " + e.s3Endpoint() + ": " + EmbeddedServer.describe(ex),
                    ex);
        }
    }

    /**
     * Creates every platform topic that does not exist yet, with the partitions and cleanup policy of
     * its {@link TopicSpec}; existing topics are left as they are.
     *
     * @return the names of the topics created now
     */
    public static List<String> ensureTopics(Endpoints e, List<TopicSpec> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap()))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while creating topics");
        } catch (Exception ex) {
            throw new StackException(
                    "cannot create the platform topics at " + e.kafkaBootstrap() + ": " + EmbeddedServer.describe(ex),
                    ex);
        }
    }
}
