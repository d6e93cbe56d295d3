package org.liveatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liveatlas.ingest.fakes.InMemoryStore;
import org.liveatlas.ingest.fakes.LogLedger;
import org.liveatlas.ingest.fakes.MutableClock;
import org.liveatlas.ingest.fakes.RecordingPublisher;
import org.liveatlas.ingest.validate.DepositChecksum;
import org.liveatlas.ingest.validate.DepositValidator;
import org.liveatlas.ingest.validate.ValidationLimits;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.DataFormat;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.events.DepositedObject;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.study.Visibility;

class DepositScannerTest {
    private static final Duration INCOMPLETE = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore("atlas", clock);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private DepositScanner scanner;

    @BeforeEach
    void startService() {
        scanner = newService();
    }

    /** A service instance over the same store and topics: what a restart gives. */
    private DepositScanner newService() {
        LogLedger ledger = new LogLedger(publisher.deposits);
        DepositValidator validator =
                new DepositValidator(new ValidationLimits(DepositCatalogue.MAX_FILE_BYTES, 1L << 30, 1L << 20));
        DepositProcessor processor = new DepositProcessor(store, ledger, publisher, validator, INCOMPLETE, clock);
        return new DepositScanner(store, ledger, processor);
    }

    @Test
    void aCompleteDepositBecomesOneStudyDepositedWithChecksumsFormatsAndMetadata() {
        put(DepositCatalogue.goodTenx("kang"));
        assertThat(scanner.scanOnce()).containsEntry(Outcome.DEPOSITED, 1);
        StudyDeposited event = publisher.deposited().get(0);
        assertThat(event.studyId()).isEqualTo("kang");
        assertThat(event.depositVersion())
                .isEqualTo(DepositChecksum.of("deposits/kang/", store.list("deposits/kang/")));
        assertThat(event.source()).isEqualTo(DepositSource.SCANNER);
        assertThat(event.study().visibility()).isEqualTo(Visibility.PRIVATE);
        assertThat(event.study().ownerGroup()).isEqualTo("lab7");
        assertThat(event.objects())
                .extracting(DepositedObject::key, DepositedObject::format)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("deposits/kang/ctrl/matrix.mtx.gz", DataFormat.TENX_MATRIX),
                        org.assertj.core.groups.Tuple.tuple(
                                "deposits/kang/ctrl/features.tsv.gz", DataFormat.TENX_FEATURES),
                        org.assertj.core.groups.Tuple.tuple(
                                "deposits/kang/ctrl/barcodes.tsv.gz", DataFormat.TENX_BARCODES),
                        org.assertj.core.groups.Tuple.tuple(
                                "deposits/kang/stim_filtered_feature_bc_matrix.h5", DataFormat.TENX_H5),
                        org.assertj.core.groups.Tuple.tuple("deposits/kang/study.json", DataFormat.STUDY_JSON));
        assertThat(event.objects()).allSatisfy(o -> assertThat(o.etag())
                .isEqualTo(store.list(o.key()).get(0).etag()));
        assertThat(publisher.statuses).extracting(StudyStatus::state).containsExactly(StudyState.RECEIVED);
    }

    @Test
    void rescanningAndRestartingEmitNothingNew() {
        put(DepositCatalogue.goodH5ad("s1"));
        put(DepositCatalogue.goodTenx("s2"));
        scanner.scanOnce();
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        assertThat(newService().scanOnce()).containsEntry(Outcome.UNCHANGED, 2).containsOnlyKeys(Outcome.UNCHANGED);
        assertThat(publisher.deposited()).extracting(StudyDeposited::studyId).containsExactly("s1", "s2");
    }

    @Test
    void aChangedDepositEmitsANewVersion() {
        put(DepositCatalogue.goodH5ad("s1"));
        scanner.scanOnce();
        store.put("deposits/s1/more.h5ad", DepositCatalogue.h5ad(), Map.of());
        assertThat(newService().scanOnce()).containsEntry(Outcome.DEPOSITED, 1);
        assertThat(publisher.deposited()).hasSize(2);
        assertThat(publisher.deposited().get(1).depositVersion())
                .isNotEqualTo(publisher.deposited().get(0).depositVersion());
    }

    @Test
    void dataFilesWaitForStudyJsonUntilTheIncompleteTimeout() {
        store.put("deposits/s1/counts.h5ad", DepositCatalogue.h5ad(), Map.of());
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.WAITING);
        clock.advance(INCOMPLETE.minusSeconds(1));
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.WAITING);
        store.put("deposits/s1/study.json", DepositCatalogue.studyJsonOwnedBy("s1", null), Map.of());
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.DEPOSITED);
    }

    @Test
    void removingStudyJsonWithdrawsTheStudyOnce() {
        put(DepositCatalogue.goodH5ad("s1"));
        scanner.scanOnce();
        store.delete("deposits/s1/study.json");
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.WITHDRAWN);
        assertThat(newService().scanOnce()).doesNotContainKey(Outcome.WITHDRAWN);
        assertThat(publisher.withdrawn()).singleElement().satisfies(w -> {
            assertThat(w.studyId()).isEqualTo("s1");
            assertThat(w.depositVersion())
                    .isEqualTo(publisher.deposited().get(0).depositVersion());
            assertThat(w.reason()).contains("study.json was removed");
        });
        assertThat(publisher.statuses)
                .extracting(StudyStatus::state)
                .containsExactly(StudyState.RECEIVED, StudyState.WITHDRAWN);
    }

    @Test
    void theSameFilesDepositedAgainAfterAWithdrawalAreDepositedAgain() {
        DepositCatalogue.Deposit deposit = DepositCatalogue.goodH5ad("s1");
        put(deposit);
        scanner.scanOnce();
        String version = publisher.deposited().get(0).depositVersion();
        clock.advance(Duration.ofMinutes(1));
        store.delete("deposits/s1/study.json");
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.WITHDRAWN);
        // study.json back unchanged: the same version, written after the withdrawal, is a new deposit
        clock.advance(Duration.ofMinutes(1));
        store.put("deposits/s1/study.json", deposit.files().get("study.json"), Map.of());
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.DEPOSITED);
        assertThat(publisher.deposited())
                .extracting(StudyDeposited::depositVersion)
                .containsExactly(version, version);
        assertThat(newService().scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        assertThat(publisher.statuses)
                .extracting(StudyStatus::state)
                .containsExactly(StudyState.RECEIVED, StudyState.WITHDRAWN, StudyState.RECEIVED);
    }

    @Test
    void aWithdrawnDepositsOwnFilesAreNotDepositedAgainBeforeTheyAreDeleted() {
        // atlas withdraw announces the withdrawal, then deletes the files: a scan in between sees them
        put(DepositCatalogue.goodH5ad("s1"));
        scanner.scanOnce();
        clock.advance(Duration.ofMinutes(1));
        StudyDeposited d = publisher.deposited().get(0);
        publisher.withdrawn(org.liveatlas.schemas.events.StudyWithdrawn.of(
                "s1", d.depositVersion(), clock.instant(), "withdrawn by atlas withdraw"));
        assertThat(newService().scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        assertThat(publisher.deposited()).hasSize(1);
    }

    @Test
    void everyBadDepositIsQuarantinedWithItsReasonWhileTheGoodOneFlows() {
        List<DepositCatalogue.Deposit> bad = DepositCatalogue.bad("bad-");
        bad.forEach(this::put);
        put(DepositCatalogue.goodH5ad("good"));
        clock.advance(INCOMPLETE.plusSeconds(1));

        Map<Outcome, Integer> outcome = scanner.scanOnce();

        assertThat(outcome).containsEntry(Outcome.DEPOSITED, 1).containsEntry(Outcome.QUARANTINED, bad.size());
        assertThat(publisher.deposited()).extracting(StudyDeposited::studyId).containsExactly("good");
        for (DepositCatalogue.Deposit deposit : bad) {
            StudyStatus status = publisher.statuses.stream()
                    .filter(s -> s.state() == StudyState.QUARANTINED)
                    .filter(s -> deposit.quarantineId() == null
                            ? s.studyId().startsWith("invalid-")
                            : s.studyId().equals(deposit.quarantineId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no quarantined status for " + deposit.folder()));
            assertThat(status.reason()).as(deposit.folder()).contains(deposit.reason());
            String reasonJson = new String(
                    store.content("quarantine/" + status.studyId() + "/reason.json")
                            .orElseThrow(),
                    StandardCharsets.UTF_8);
            assertThat(reasonJson)
                    .as(deposit.folder())
                    .contains(Json.write(deposit.reason()).replace("\"", ""));
        }
        assertThat(publisher.deadLetters).hasSize(bad.size());
        assertThat(store.keys("quarantine/bad-truncated/"))
                .contains("quarantine/bad-truncated/counts.h5ad", "quarantine/bad-truncated/study.json");
        assertThat(store.keys("quarantine/bad-traversal/")).noneMatch(k -> k.contains("\\"));

        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        assertThat(newService().scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        assertThat(publisher.deadLetters).hasSize(bad.size());
    }

    @Test
    void aNewDepositUnderAnotherOwnersStudyIdIsQuarantinedAsAClash() {
        put(DepositCatalogue.goodTenx("shared-name"));
        scanner.scanOnce();
        store.put(
                "deposits/shared-name/study.json",
                DepositCatalogue.studyJsonOwnedBy("shared-name", "other-lab"),
                Map.of());
        assertThat(scanner.scanOnce()).containsOnlyKeys(Outcome.QUARANTINED);
        assertThat(publisher.statuses.get(publisher.statuses.size() - 1).reason())
                .contains("study id clash")
                .contains("owner group 'lab7'")
                .contains("owner group 'other-lab'");
        assertThat(publisher.deposited()).hasSize(1);
    }

    @Test
    void aDepositUploadedByTheCliSaysSo() {
        DepositCatalogue.Deposit deposit = DepositCatalogue.goodH5ad("s1");
        store.put("deposits/s1/counts.h5ad", deposit.files().get("counts.h5ad"), Map.of());
        store.put(
                "deposits/s1/study.json",
                deposit.files().get("study.json"),
                Map.of(DepositProcessor.UPLOADER_METADATA, "cli"));
        scanner.scanOnce();
        assertThat(publisher.deposited().get(0).source()).isEqualTo(DepositSource.CLI);
    }

    private void put(DepositCatalogue.Deposit deposit) {
        deposit.files()
                .forEach((key, content) -> store.put("deposits/" + deposit.folder() + "/" + key, content, Map.of()));
    }
}
