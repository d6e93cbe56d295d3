package org.liveatlas.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.liveatlas.ingest.store.DepositStore;
import org.liveatlas.ingest.store.StoredContent;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.ingest.validate.DepositChecksum;
import org.liveatlas.ingest.validate.DepositValidation;
import org.liveatlas.ingest.validate.DepositValidator;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.events.ErrorKind;
import org.liveatlas.schemas.events.SourceCoordinates;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.store.KeySafety;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.store.StudyIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the current content of one deposit folder into at most one event: StudyDeposited for a new complete and
 * valid version, StudyWithdrawn when an announced study's study.json is gone, a quarantine for a bad version,
 * nothing when the version was already handled. The scanner and the notification bridge both call it, so both
 * paths produce the same events. Not thread-safe: one processor per service.
 */
public final class DepositProcessor {
    /** User-metadata entry that {@code atlas deposit} sets on study.json, so events say the CLI made them. */
    public static final String UPLOADER_METADATA = "atlas-uploader";

    private static final Logger LOG = LoggerFactory.getLogger(DepositProcessor.class);

    private final DepositStore store;
    private final DepositLedger ledger;
    private final EventPublisher publisher;
    private final DepositValidator validator;
    private final Duration incompleteTimeout;
    private final Clock clock;
    private final Map<String, String> quarantinedVersions = new ConcurrentHashMap<>();
    private volatile Set<String> quarantineIndex;

    public DepositProcessor(
            DepositStore store,
            DepositLedger ledger,
            EventPublisher publisher,
            DepositValidator validator,
            Duration incompleteTimeout,
            Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.publisher = publisher;
        this.validator = validator;
        this.incompleteTimeout = incompleteTimeout;
        this.clock = clock;
    }

    /**
     * Lists {@code quarantine/} once, so that checking a new deposit for an earlier quarantine of the same
     * version costs no request for studies that were never quarantined. Call it before a pass over many
     * folders; without it every check reads {@code reason.json}.
     */
    public void indexQuarantine() {
        Set<String> studies = new HashSet<>();
        for (StoredObject object : store.list(ObjectLayout.QUARANTINE)) {
            String rest = object.key().substring(ObjectLayout.QUARANTINE.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(slash + 1).equals(ObjectLayout.REASON_JSON)) {
                studies.add(rest.substring(0, slash));
            }
        }
        quarantineIndex = studies;
    }

    /** Lists {@code deposits/<folder>/} and processes it. */
    public Outcome process(String folder, DepositSource trigger) {
        return process(folder, store.list(ObjectLayout.DEPOSITS + folder + "/"), trigger);
    }

    /**
     * Processes a deposit folder whose objects the caller already listed.
     *
     * @param folder the folder name below {@code deposits/} (the claimed study id, not yet checked)
     * @param objects every object under {@code deposits/<folder>/}
     * @param trigger scanner or notification
     */
    public Outcome process(String folder, List<StoredObject> objects, DepositSource trigger) {
        String prefix = ObjectLayout.DEPOSITS + folder + "/";
        Optional<String> badId = StudyIds.problem(folder);
        if (badId.isPresent()) {
            return objects.isEmpty() ? Outcome.UNCHANGED : quarantineUnsafeFolder(folder, prefix, objects, badId.get());
        }
        String studyId = folder;
        Optional<StoredObject> studyJson = objects.stream()
                .filter(o -> o.key().equals(prefix + ObjectLayout.STUDY_JSON))
                .findFirst();
        Optional<LedgerEntry> last = ledger.last(studyId);
        if (studyJson.isEmpty()) {
            if (last.isPresent() && last.get().active()) {
                return withdraw(
                        last.get(), objects.isEmpty() ? "the deposit folder was emptied" : "study.json was removed");
            }
            if (objects.isEmpty()) {
                return Outcome.UNCHANGED;
            }
            Instant newest = objects.stream()
                    .map(StoredObject::lastModified)
                    .max(Instant::compareTo)
                    .orElseThrow();
            if (Duration.between(newest, clock.instant()).compareTo(incompleteTimeout) < 0) {
                return Outcome.WAITING;
            }
            String version = DepositChecksum.of(prefix, objects);
            if (alreadyQuarantined(studyId, version)) {
                return Outcome.UNCHANGED;
            }
            return quarantine(
                    studyId,
                    folder,
                    version,
                    objects,
                    List.of("missing study.json: " + objects.size()
                            + " data file(s) but no deposits/" + studyId + "/study.json after " + incompleteTimeout
                            + "; upload study.json last to complete the deposit"));
        }
        String version = DepositChecksum.of(prefix, objects);
        if (last.isPresent() && last.get().depositVersion().equals(version) && !redeposited(last.get(), objects)) {
            return Outcome.UNCHANGED;
        }
        if (alreadyQuarantined(studyId, version)) {
            return Outcome.UNCHANGED;
        }
        StoredContent studyJsonContent =
                store.readIfExists(studyJson.get().key()).orElse(null);
        if (studyJsonContent == null) {
            return Outcome.WAITING; // removed between the listing and now; the next pass sees the new state
        }
        Optional<DepositValidator.Owner> owner =
                last.filter(LedgerEntry::active).map(e -> new DepositValidator.Owner(e.ownerGroup()));
        DepositValidation validation =
                validator.validate(studyId, objects, studyJsonContent.content(), owner, store::readHead);
        if (!validation.ok()) {
            return quarantine(studyId, folder, version, objects, validation.problems());
        }
        DepositSource source = trigger;
        if ("cli".equals(studyJsonContent.userMetadata().get(UPLOADER_METADATA))) {
            source = DepositSource.CLI;
        }
        Instant now = clock.instant();
        StudyDeposited event =
                StudyDeposited.of(store.bucket(), version, validation.objects(), validation.metadata(), now, source);
        publisher.deposited(event);
        ledger.record(LedgerEntry.of(event));
        publisher.status(StudyStatus.simple(studyId, version, StudyState.RECEIVED, now));
        LOG.info(
                "study {}: deposited version {} ({} objects, via {})",
                studyId,
                version,
                event.objects().size(),
                source);
        return Outcome.DEPOSITED;
    }

    /**
     * Whether the same files were deposited again after the version was withdrawn: some object was written after
     * the withdrawal. Objects older than it are the withdrawn deposit itself, e.g. while {@code atlas withdraw},
     * which announces the withdrawal first, has not deleted them yet.
     */
    private static boolean redeposited(LedgerEntry last, List<StoredObject> objects) {
        if (last.active() || last.at() == null) {
            return false;
        }
        return objects.stream().map(StoredObject::lastModified).anyMatch(t -> t.isAfter(last.at()));
    }

    private Outcome withdraw(LedgerEntry last, String why) {
        // Another process (atlas withdraw) may have announced the withdrawal since our last refresh.
        ledger.refresh();
        LedgerEntry current = ledger.last(last.studyId()).orElse(last);
        if (!current.active()) {
            return Outcome.UNCHANGED;
        }
        Instant now = clock.instant();
        StudyWithdrawn event = StudyWithdrawn.of(current.studyId(), current.depositVersion(), now, why);
        publisher.withdrawn(event);
        ledger.record(LedgerEntry.of(event));
        publisher.status(StudyStatus.simple(current.studyId(), current.depositVersion(), StudyState.WITHDRAWN, now));
        LOG.info("study {}: withdrawn ({})", current.studyId(), why);
        return Outcome.WITHDRAWN;
    }

    private boolean alreadyQuarantined(String studyId, String version) {
        if (version.equals(quarantinedVersions.get(studyId))) {
            return true;
        }
        Set<String> indexed = quarantineIndex;
        if (indexed != null && !indexed.contains(studyId)) {
            return false; // no reason.json for this study when the index was taken, and we wrote none since
        }
        Optional<StoredContent> reason = store.readIfExists(ObjectLayout.reasonKey(studyId));
        if (reason.isEmpty()) {
            return false;
        }
        try {
            QuarantineReason previous = Json.mapper().readValue(reason.get().content(), QuarantineReason.class);
            if (version.equals(previous.depositVersion())) {
                quarantinedVersions.put(studyId, version);
                return true;
            }
            return false;
        } catch (java.io.IOException e) {
            LOG.warn(
                    "study {}: unreadable {}, quarantining again: {}",
                    studyId,
                    ObjectLayout.reasonKey(studyId),
                    e.getMessage());
            return false;
        }
    }

    private Outcome quarantineUnsafeFolder(String folder, String prefix, List<StoredObject> objects, String problem) {
        // The folder name cannot be a study id or a quarantine prefix; derive a safe, stable id from it.
        String derived = "invalid-" + HexFormat.of().formatHex(sha256(folder)).substring(0, 16);
        String version = DepositChecksum.of(prefix, objects);
        if (alreadyQuarantined(derived, version)) {
            return Outcome.UNCHANGED;
        }
        return quarantine(derived, folder, version, objects, List.of("unsafe study id: " + problem));
    }

    private Outcome quarantine(
            String studyId, String folder, String version, List<StoredObject> objects, List<String> problems) {
        String sourcePrefix = ObjectLayout.DEPOSITS + folder + "/";
        String target = ObjectLayout.quarantinePrefix(studyId);
        List<String> copied = new ArrayList<>();
        for (StoredObject object : objects) {
            String relative = object.key().substring(sourcePrefix.length());
            if (KeySafety.problem(relative).isPresent()) {
                continue; // never recreate an unsafe key; reason.json lists it
            }
            store.copy(object.key(), target + relative);
            copied.add(target + relative);
        }
        Instant now = clock.instant();
        String reason = String.join("; ", problems);
        publisher.status(StudyStatus.quarantined(studyId, version, reason, now));
        publisher.deadLetter(DeadLetter.of(
                studyId,
                version,
                SourceCoordinates.ofObject(store.bucket(), sourcePrefix),
                "ingest.validate",
                ErrorKind.POISON,
                reason,
                null,
                now));
        QuarantineReason record =
                new QuarantineReason(studyId, KeySafety.printable(folder), version, problems, copied, now);
        // Written last: its presence marks this version's quarantine as complete.
        store.put(
                ObjectLayout.reasonKey(studyId),
                Json.write(record).getBytes(StandardCharsets.UTF_8),
                "application/json");
        quarantinedVersions.put(studyId, version);
        Set<String> indexed = quarantineIndex;
        if (indexed != null) {
            indexed.add(studyId);
        }
        LOG.warn("study {}: quarantined version {}: {}", studyId, version, reason);
        return Outcome.QUARANTINED;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
