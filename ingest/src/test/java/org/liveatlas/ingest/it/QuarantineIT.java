package org.liveatlas.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.ingest.DepositCatalogue;
import org.liveatlas.ingest.IngestService;
import org.liveatlas.ingest.Outcome;
import org.liveatlas.ingest.QuarantineReason;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ErrorKind;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

@ExtendWith(AtlasStackExtension.class)
class QuarantineIT {
    @Test
    void everyBadDepositIsQuarantinedWithAReasonNamingTheProblemWhileTheGoodOneFlows(TestStack stack) throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of("atlas.ingest.incomplete-timeout", "0s"));
        List<DepositCatalogue.Deposit> bad = DepositCatalogue.bad("bad-");
        bad.forEach(f::put);
        f.put(DepositCatalogue.goodTenx("good-tenx"));

        try (IngestService service = IngestService.create(f.config)) {
            Map<Outcome, Integer> outcome = service.scanOnce();
            assertThat(outcome).containsEntry(Outcome.DEPOSITED, 1).containsEntry(Outcome.QUARANTINED, bad.size());
            assertThat(service.scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        }
        try (IngestService restarted = IngestService.create(f.config)) {
            assertThat(restarted.scanOnce()).containsOnlyKeys(Outcome.UNCHANGED);
        }

        assertThat(f.deposited()).extracting(StudyDeposited::studyId).containsExactly("good-tenx");
        List<StudyStatus> quarantined = f.statuses().stream()
                .filter(s -> s.state() == StudyState.QUARANTINED)
                .toList();
        assertThat(quarantined).hasSize(bad.size());
        for (DepositCatalogue.Deposit deposit : bad) {
            StudyStatus status = quarantined.stream()
                    .filter(s -> deposit.quarantineId() == null
                            ? s.studyId().startsWith("invalid-")
                            : s.studyId().equals(deposit.quarantineId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no quarantined status for " + deposit.folder()));
            assertThat(status.reason()).as(deposit.folder()).contains(deposit.reason());
            QuarantineReason reason = Json.mapper()
                    .readValue(read(f, "quarantine/" + status.studyId() + "/reason.json"), QuarantineReason.class);
            assertThat(reason.depositVersion()).isEqualTo(status.depositVersion());
            assertThat(String.join("; ", reason.problems())).contains(deposit.reason());
            assertThat(list(f, "quarantine/" + status.studyId() + "/")).containsAll(reason.copied());
        }
        assertThat(f.deadLetters()).hasSize(bad.size()).allSatisfy(d -> {
            assertThat(d.errorKind()).isEqualTo(ErrorKind.POISON);
            assertThat(d.stage()).isEqualTo("ingest.validate");
            assertThat(d.source().bucket()).isEqualTo(f.config.bucket());
        });
    }

    @Test
    void aDepositUnderAnotherOwnersStudyIdIsQuarantinedAsAClash(TestStack stack) {
        IngestFixture f = IngestFixture.create(stack, Map.of());
        f.put(DepositCatalogue.goodTenx("taken"));
        try (IngestService service = IngestService.create(f.config)) {
            service.scanOnce();
            f.put("deposits/taken/study.json", DepositCatalogue.studyJsonOwnedBy("taken", "intruders"));
            assertThat(service.scanOnce()).containsOnlyKeys(Outcome.QUARANTINED);
        }
        assertThat(f.deposited()).hasSize(1);
        assertThat(f.statuses()).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(StudyState.QUARANTINED);
            assertThat(s.reason()).contains("study id clash").contains("'lab7'").contains("'intruders'");
        });
    }

    private static byte[] read(IngestFixture f, String key) throws Exception {
        try (var in = f.stack
                .s3()
                .getObject(GetObjectArgs.builder()
                        .bucket(f.config.bucket())
                        .object(key)
                        .build())) {
            return in.readAllBytes();
        }
    }

    private static List<String> list(IngestFixture f, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (var r : f.stack
                .s3()
                .listObjects(ListObjectsArgs.builder()
                        .bucket(f.config.bucket())
                        .prefix(prefix)
                        .recursive(true)
                        .build())) {
            keys.add(r.get().objectName());
        }
        return keys;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
