package org.liveatlas.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.StatObjectArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.ingest.DepositCatalogue;
import org.liveatlas.ingest.Fixtures;
import org.liveatlas.ingest.IngestService;
import org.liveatlas.ingest.Outcome;
import org.liveatlas.ingest.cli.DepositCommand;
import org.liveatlas.ingest.cli.DepositRequest;
import org.liveatlas.ingest.cli.DepositResult;
import org.liveatlas.ingest.cli.StudiesCommand;
import org.liveatlas.ingest.cli.StudyOptions;
import org.liveatlas.ingest.cli.StudySummary;
import org.liveatlas.ingest.cli.WithdrawCommand;
import org.liveatlas.ingest.kafka.KafkaEventPublisher;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.DataFormat;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.events.DepositedObject;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.study.Visibility;

@ExtendWith(AtlasStackExtension.class)
class DepositIT {
    @Test
    void aCliDepositBecomesExactlyOneStudyDepositedWithTheStoresChecksumsAndFollowsItsStatus(
            TestStack stack, @TempDir Path dir) throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        Path tenx = dir.resolve("ctrl");
        Files.createDirectories(tenx);
        for (String name : new String[] {"matrix.mtx.gz", "features.tsv.gz", "barcodes.tsv.gz"}) {
            Files.write(tenx.resolve(name), Fixtures.bytes("fixtures/tenx/" + name));
        }
        Path meta = dir.resolve("study.json");
        Files.write(meta, DepositCatalogue.studyJsonOwnedBy("kang-ctrl", "lab7"));
        ExecutorService runner = Executors.newSingleThreadExecutor();
        DepositResult result;
        try (IngestService service = IngestService.create(f.config)) {
            runner.submit(service::run);
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            result = new DepositCommand(f.config, new java.io.PrintStream(printed, true))
                    .run(new DepositRequest(
                            tenx,
                            "kang-ctrl",
                            Optional.of(meta),
                            StudyOptions.none(),
                            Duration.ofSeconds(60),
                            EnumSet.of(StudyState.RECEIVED)));

            assertThat(result.lastStatus()).hasValueSatisfying(s -> {
                assertThat(s.state()).isEqualTo(StudyState.RECEIVED);
                assertThat(s.depositVersion()).isEqualTo(result.depositVersion());
            });
            assertThat(printed.toString()).contains("100%").contains("study kang-ctrl: received");
            service.stop();
        } finally {
            runner.shutdown();
        }
        StudyDeposited event = single(f, "kang-ctrl");
        assertThat(event.depositVersion()).isEqualTo(result.depositVersion()).isEqualTo(storeVersion(f, event));
        assertThat(event.source()).isEqualTo(DepositSource.CLI);
        assertThat(event.study().ownerGroup()).isEqualTo("lab7");
        assertThat(event.study().visibility()).isEqualTo(Visibility.PRIVATE);
        assertThat(event.objects())
                .extracting(DepositedObject::key)
                .containsExactlyInAnyOrder(
                        "deposits/kang-ctrl/ctrl/matrix.mtx.gz", "deposits/kang-ctrl/ctrl/features.tsv.gz",
                        "deposits/kang-ctrl/ctrl/barcodes.tsv.gz", "deposits/kang-ctrl/study.json");
        for (DepositedObject object : event.objects()) {
            var stat = stack.s3()
                    .statObject(StatObjectArgs.builder()
                            .bucket(f.config.bucket())
                            .object(object.key())
                            .build());
            assertThat(object.size()).isEqualTo(stat.size());
            assertThat(object.etag()).isEqualTo(stat.etag().replace("\"", ""));
        }
    }

    @Test
    void aMultipartCliUploadIsVerifiedAgainstTheStoresEtag(TestStack stack, @TempDir Path dir) throws Exception {
        IngestFixture f = IngestFixture.create(
                stack, Map.of("atlas.ingest.max-file-size", "64MiB", "atlas.ingest.max-deposit-size", "128MiB"));
        // An HDF5 file a little over two parts: the fixture's bytes, then zeros past its end-of-file address.
        byte[] big = java.util.Arrays.copyOf(DepositCatalogue.h5ad(), (int) (2 * DepositCommand.PART_SIZE + 12345));
        Path file = dir.resolve("big.h5ad");
        Files.write(file, big);
        Path meta = dir.resolve("study.json");
        Files.write(meta, DepositCatalogue.studyJsonOwnedBy("big-one", null));

        DepositResult result = new DepositCommand(
                        f.config, new java.io.PrintStream(new java.io.ByteArrayOutputStream()))
                .run(DepositRequest.of(file, "big-one", Optional.of(meta), Duration.ZERO));

        var stat = stack.s3()
                .statObject(StatObjectArgs.builder()
                        .bucket(f.config.bucket())
                        .object("deposits/big-one/big.h5ad")
                        .build());
        assertThat(stat.etag().replace("\"", "")).endsWith("-3");
        assertThat(result.bytes()).isEqualTo(big.length + Files.size(meta));
        try (IngestService service = IngestService.create(f.config)) {
            assertThat(service.scanOnce()).containsEntry(Outcome.DEPOSITED, 1);
        }
        StudyDeposited event = single(f, "big-one");
        assertThat(event.depositVersion()).isEqualTo(result.depositVersion());
        assertThat(event.objects())
                .filteredOn(o -> o.format() == DataFormat.H5AD)
                .singleElement()
                .satisfies(o -> assertThat(o.etag()).endsWith("-3"));
    }

    @Test
    void aDepositWithoutStudyJsonUploadsTheOneWrittenFromItsOptions(TestStack stack, @TempDir Path dir)
            throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        Path file = dir.resolve("labelled.h5ad");
        Files.write(file, DepositCatalogue.h5ad());
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();

        DepositResult result = new DepositCommand(f.config, new java.io.PrintStream(printed, true))
                .run(DepositRequest.of(
                        file,
                        "no-meta",
                        StudyOptions.builder()
                                .tissue("blood")
                                .labelColumn("cell_type")
                                .reference(true)
                                .privateStudy(true)
                                .owner("lab7")
                                .build(),
                        Duration.ZERO));

        assertThat(result.uploadedKeys())
                .containsExactly("deposits/no-meta/labelled.h5ad", "deposits/no-meta/study.json");
        assertThat(printed.toString())
                .contains("study.json for no-meta, written from the options (defaults: title = the study id (--title),"
                        + " organism Homo sapiens (--organism))")
                .contains("\"cellTypeLabel\" : \"cell_type\"");
        try (IngestService service = IngestService.create(f.config)) {
            assertThat(service.scanOnce()).containsEntry(Outcome.DEPOSITED, 1);
        }
        StudyDeposited event = single(f, "no-meta");
        assertThat(event.depositVersion()).isEqualTo(result.depositVersion());
        assertThat(event.study())
                .isEqualTo(StudyOptions.builder()
                        .tissue("blood")
                        .labelColumn("cell_type")
                        .reference(true)
                        .privateStudy(true)
                        .owner("lab7")
                        .build()
                        .toMetadata("no-meta"));
        assertThat(event.study().organism()).isEqualTo("Homo sapiens");
    }

    @Test
    void aPlainMinioSdkPutHasTheSameEffectAsTheCli(TestStack stack) {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        f.put(DepositCatalogue.goodH5ad("plain-put"));
        try (IngestService service = IngestService.create(f.config)) {
            assertThat(service.scanOnce()).containsEntry(Outcome.DEPOSITED, 1);
            assertThat(service.scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        }
        StudyDeposited event = single(f, "plain-put");
        assertThat(event.source()).isEqualTo(DepositSource.SCANNER);
        assertThat(event.study().title()).isEqualTo("Study plain-put");
        assertThat(event.objects())
                .extracting(DepositedObject::format)
                .containsExactlyInAnyOrder(DataFormat.H5AD, DataFormat.STUDY_JSON);
        assertThat(f.statuses())
                .filteredOn(s -> s.studyId().equals("plain-put"))
                .extracting(s -> s.state())
                .containsExactly(StudyState.RECEIVED);
    }

    @Test
    void withdrawAnnouncesOnceAndStudiesListsTheLatestStatus(TestStack stack) {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        f.put(DepositCatalogue.goodH5ad("to-withdraw"));
        f.put(DepositCatalogue.goodH5ad("to-keep"));
        try (IngestService service = IngestService.create(f.config)) {
            service.scanOnce();
            StudyWithdrawn withdrawal = new WithdrawCommand(f.config).run("to-withdraw", "consent revoked");
            assertThat(withdrawal.reason()).isEqualTo("consent revoked");
            assertThat(service.scanOnce()).doesNotContainKey(Outcome.WITHDRAWN);
        }
        assertThat(f.depositEvents())
                .filteredOn(StudyWithdrawn.class::isInstance)
                .hasSize(1);
        assertThat(new StudiesCommand(f.config).list())
                .extracting(StudySummary::studyId, StudySummary::active, StudySummary::state, StudySummary::files)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("to-keep", true, StudyState.RECEIVED, 2),
                        org.assertj.core.groups.Tuple.tuple("to-withdraw", false, StudyState.WITHDRAWN, 0));
    }

    @Test
    void depositingTheIndexedVersionAgainAnswersAtOnceWithoutUploadingOrWaiting(TestStack stack, @TempDir Path dir)
            throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        Path file = dir.resolve("again.h5ad");
        Files.write(file, DepositCatalogue.h5ad());
        Path meta = dir.resolve("study.json");
        Files.write(meta, DepositCatalogue.studyJsonOwnedBy("again", null));
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (IngestService service = IngestService.create(f.config)) {
            runner.submit(service::run);
            DepositResult first = new DepositCommand(
                            f.config, new java.io.PrintStream(new java.io.ByteArrayOutputStream()))
                    .run(new DepositRequest(
                            file,
                            "again",
                            Optional.of(meta),
                            StudyOptions.none(),
                            Duration.ofSeconds(60),
                            EnumSet.of(StudyState.RECEIVED)));
            assertThat(first.lastStatus())
                    .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(StudyState.RECEIVED));
            // This IT runs no indexer: write the status IndexStudyJob writes when the version is indexed.
            StudyStatus indexed = indexed("again", first.depositVersion());
            publishStatus(f, indexed);

            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            long t0 = System.nanoTime();
            DepositResult again = new DepositCommand(f.config, new java.io.PrintStream(printed, true))
                    .run(DepositRequest.of(file, "again", Optional.of(meta), Duration.ofMinutes(10)));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(again.unchanged()).isTrue();
            assertThat(again.exitCode()).isZero();
            assertThat(again.depositVersion()).isEqualTo(first.depositVersion());
            assertThat(again.uploadedKeys()).isEmpty();
            assertThat(printed.toString())
                    .isEqualTo("study again: version " + first.depositVersion() + " is already indexed (1234 cells,"
                            + " since " + indexed.time() + "); nothing to do" + System.lineSeparator());

            // The store holds another file as well (e.g. an upload cut short): the same version only shows after
            // the upload, which removes it; the answer comes right after.
            service.stop();
            f.put("deposits/again/leftover.h5ad", DepositCatalogue.h5ad());
            printed.reset();
            DepositResult afterUpload = new DepositCommand(f.config, new java.io.PrintStream(printed, true))
                    .run(DepositRequest.of(file, "again", Optional.of(meta), Duration.ofMinutes(10)));

            assertThat(afterUpload.unchanged()).isTrue();
            assertThat(afterUpload.exitCode()).isZero();
            assertThat(afterUpload.uploadedKeys())
                    .containsExactly("deposits/again/again.h5ad", "deposits/again/study.json");
            assertThat(printed.toString())
                    .contains("removed deposits/again/leftover.h5ad (not part of this version)")
                    .contains("deposited again as version " + first.depositVersion())
                    .contains("study again: version " + first.depositVersion() + " is already indexed")
                    .doesNotContain("following the status");
        } finally {
            runner.shutdown();
        }
        single(f, "again");
    }

    @Test
    void depositingTheQuarantinedVersionAgainSaysWhyAndExitsAsAQuarantine(TestStack stack, @TempDir Path dir)
            throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        Path file = dir.resolve("bad.h5ad");
        Files.write(file, DepositCatalogue.h5ad());
        Path meta = dir.resolve("study.json");
        Files.write(meta, DepositCatalogue.studyJsonOwnedBy("rejected", null));
        DepositResult first = new DepositCommand(f.config, new java.io.PrintStream(new java.io.ByteArrayOutputStream()))
                .run(DepositRequest.of(file, "rejected", Optional.of(meta), Duration.ZERO));
        StudyStatus quarantined = StudyStatus.quarantined(
                "rejected", first.depositVersion(), "only 812 of the model's 28,231 genes found", Instant.now());
        publishStatus(f, quarantined);

        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        long t0 = System.nanoTime();
        DepositResult again = new DepositCommand(f.config, new java.io.PrintStream(printed, true))
                .run(DepositRequest.of(file, "rejected", Optional.of(meta), Duration.ofMinutes(10)));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.uploadedKeys()).isEmpty();
        assertThat(printed.toString())
                .startsWith("study rejected: version " + first.depositVersion() + " is quarantined (since "
                        + quarantined.time() + "): only 812 of the model's 28,231 genes found;");
    }

    private static StudyStatus indexed(String studyId, String version) {
        return new StudyStatus(
                1,
                StudyStatus.EVENT_TYPE,
                studyId,
                version,
                StudyState.INDEXED,
                Instant.now(),
                "model-it",
                null,
                new CellCounts(1300L, 1300, 1250, 1250, 1234),
                null);
    }

    private static void publishStatus(IngestFixture f, StudyStatus status) {
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(
                f.config.kafkaBootstrap(),
                "deposit-it",
                f.config.depositsTopic(),
                f.config.statusTopic(),
                f.config.dlqTopic())) {
            publisher.status(status);
        }
    }

    private static StudyDeposited single(IngestFixture f, String studyId) {
        var events =
                f.deposited().stream().filter(e -> e.studyId().equals(studyId)).toList();
        assertThat(events).as("StudyDeposited events for " + studyId).hasSize(1);
        return events.get(0);
    }

    private static String storeVersion(IngestFixture f, StudyDeposited event) {
        return org.liveatlas.ingest.validate.DepositChecksum.of(
                event.prefix(),
                new org.liveatlas.ingest.store.MinioDepositStore(f.stack.s3(), f.config.bucket()).list(event.prefix()));
    }
}
