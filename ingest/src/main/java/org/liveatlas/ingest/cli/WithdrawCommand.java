package org.liveatlas.ingest.cli;

import io.minio.MinioClient;
import java.time.Instant;
import org.liveatlas.core.AtlasException;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.LedgerEntry;
import org.liveatlas.ingest.kafka.KafkaDepositLedger;
import org.liveatlas.ingest.kafka.KafkaEventPublisher;
import org.liveatlas.ingest.store.MinioDepositStore;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.store.StudyIds;

/**
 * {@code atlas withdraw STUDY}: announces a StudyWithdrawn (which makes the pipeline remove the study's cells),
 * then deletes the deposit's objects. The announcement comes first so the ingest service, seeing the folder
 * empty, finds the withdrawal already in its ledger and does not announce a second one.
 */
public final class WithdrawCommand {
    private final IngestConfig config;

    public WithdrawCommand(IngestConfig config) {
        this.config = config;
    }

    /** Withdraws {@code studyId}; returns the withdrawal event. Fails if the study has no active deposit. */
    public StudyWithdrawn run(String studyId, String reason) {
        StudyIds.require(studyId);
        LedgerEntry last;
        try (KafkaDepositLedger ledger = new KafkaDepositLedger(
                config.kafkaBootstrap(), config.clientId() + "-withdraw", config.depositsTopic())) {
            ledger.refresh();
            last = ledger.last(studyId)
                    .filter(LedgerEntry::active)
                    .orElseThrow(() -> new AtlasException("study " + studyId
                            + " has no active deposit to withdraw; atlas studies lists the deposited ones"));
        }
        Instant now = Instant.now();
        StudyWithdrawn event = StudyWithdrawn.of(studyId, last.depositVersion(), now, reason);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(
                config.kafkaBootstrap(),
                config.clientId() + "-withdraw",
                config.depositsTopic(),
                config.statusTopic(),
                config.dlqTopic())) {
            publisher.withdrawn(event);
            publisher.status(StudyStatus.simple(studyId, last.depositVersion(), StudyState.WITHDRAWN, now));
        }
        MinioClient minio = Clients.minio(config);
        try {
            MinioDepositStore store = new MinioDepositStore(minio, config.bucket());
            for (StoredObject object : store.list(ObjectLayout.depositPrefix(studyId))) {
                store.delete(object.key());
            }
        } finally {
            Clients.closeQuietly(minio);
        }
        return event;
    }
}
