package org.liveatlas.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.Contract;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.SchemaValidator;
import org.liveatlas.schemas.ValidationError;
import org.liveatlas.schemas.events.DataFormat;
import org.liveatlas.schemas.events.DepositedObject;
import org.liveatlas.schemas.store.KeySafety;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * The cheap checks on a deposit, done before anything reads the data: study.json against its schema and the
 * folder name, owner unchanged, every key safe, every file of a recognised format by name and magic bytes, 10x
 * folders complete, sizes within limits. It collects every problem, not only the first.
 */
public final class DepositValidator {
    private final ValidationLimits limits;
    private final SchemaValidator schemas;

    public DepositValidator(ValidationLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.schemas = SchemaValidator.shared();
    }

    /**
     * Validates one deposit.
     *
     * @param studyId the study id (the folder name, already checked)
     * @param objects every object under {@code deposits/<study>/}
     * @param studyJson content of study.json
     * @param previousOwner owner group of the study's current deposit, or empty if none is active
     * @param readHead reads the first bytes of an object: (key, max bytes) to bytes
     */
    public DepositValidation validate(
            String studyId,
            List<StoredObject> objects,
            byte[] studyJson,
            Optional<Owner> previousOwner,
            BiFunction<String, Integer, byte[]> readHead) {
        String prefix = ObjectLayout.depositPrefix(studyId);
        List<String> problems = new ArrayList<>();
        StudyMetadata metadata = parseStudyJson(studyId, studyJson, problems);
        if (metadata != null && previousOwner.isPresent()) {
            Owner now = Owner.of(metadata);
            if (!now.equals(previousOwner.get())) {
                problems.add("study id clash: study " + studyId + " is already deposited by " + previousOwner.get()
                        + ", this deposit is by " + now
                        + "; choose another study id or have the owner withdraw it first");
            }
        }
        List<DepositedObject> deposited = new ArrayList<>();
        long total = 0;
        Map<String, Map<DataFormat, String>> tenxFolders = new TreeMap<>();
        int datasets = 0;
        for (StoredObject object : objects) {
            String relative = object.key().substring(prefix.length());
            total += object.size();
            Optional<String> unsafe = KeySafety.problem(relative);
            if (unsafe.isPresent()) {
                problems.add("unsafe object key: " + unsafe.get());
                continue;
            }
            Optional<DataFormat> claimed = FormatSniffer.claimedFormat(relative);
            if (claimed.isEmpty()) {
                problems.add(
                        relative + ": unknown format (not .h5ad, .h5, nor a 10x matrix.mtx(.gz), features.tsv(.gz), "
                                + "genes.tsv(.gz) or barcodes.tsv(.gz)); remove it or convert it");
                continue;
            }
            DataFormat format = claimed.get();
            if (format != DataFormat.STUDY_JSON && object.size() > limits.maxFileBytes()) {
                problems.add(relative + ": oversized file (" + object.size() + " bytes, the limit is "
                        + limits.maxFileBytes() + " bytes, atlas.ingest.max-file-size)");
                continue;
            }
            if (format == DataFormat.TENX_MATRIX
                    || format == DataFormat.TENX_FEATURES
                    || format == DataFormat.TENX_BARCODES) {
                // Register before sniffing, so a bad file is reported once, not again as a missing layout part.
                String folder = relative.contains("/") ? relative.substring(0, relative.lastIndexOf('/') + 1) : "";
                tenxFolders.computeIfAbsent(folder, f -> new LinkedHashMap<>()).put(format, relative);
            }
            if (format != DataFormat.STUDY_JSON) {
                byte[] head = object.size() == 0 ? new byte[0] : readHead.apply(object.key(), FormatSniffer.HEAD_BYTES);
                Optional<String> bad = FormatSniffer.check(relative, format, head, object.size());
                if (bad.isPresent()) {
                    problems.add(bad.get());
                    continue;
                }
            }
            if (format == DataFormat.H5AD || format == DataFormat.TENX_H5) {
                datasets++;
            }
            deposited.add(new DepositedObject(object.key(), object.size(), object.etag(), format));
        }
        for (Map.Entry<String, Map<DataFormat, String>> folder : tenxFolders.entrySet()) {
            List<String> missing = new ArrayList<>();
            if (!folder.getValue().containsKey(DataFormat.TENX_MATRIX)) {
                missing.add("matrix.mtx.gz");
            }
            if (!folder.getValue().containsKey(DataFormat.TENX_FEATURES)) {
                missing.add("features.tsv.gz (or genes.tsv)");
            }
            if (!folder.getValue().containsKey(DataFormat.TENX_BARCODES)) {
                missing.add("barcodes.tsv.gz");
            }
            String where = folder.getKey().isEmpty() ? "the deposit's top folder" : "folder " + folder.getKey();
            if (missing.isEmpty()) {
                datasets++;
            } else {
                problems.add("incomplete 10x layout in " + where + ": missing " + String.join(", ", missing));
            }
        }
        if (total > limits.maxDepositBytes()) {
            problems.add("oversized deposit (" + total + " bytes in all, the limit is " + limits.maxDepositBytes()
                    + " bytes, atlas.ingest.max-deposit-size)");
        }
        if (datasets == 0 && problems.isEmpty()) {
            problems.add("no data files: a deposit needs an .h5ad, a 10x .h5 or a 10x folder beside study.json");
        }
        return new DepositValidation(problems, metadata, deposited);
    }

    private StudyMetadata parseStudyJson(String studyId, byte[] content, List<String> problems) {
        if (content.length > limits.maxStudyJsonBytes()) {
            problems.add("study.json: oversized (" + content.length + " bytes, the limit is "
                    + limits.maxStudyJsonBytes() + ")");
            return null;
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(content);
        } catch (IOException e) {
            problems.add("study.json: not valid JSON (" + firstLine(e.getMessage()) + ")");
            return null;
        }
        if (node == null || node.isMissingNode() || !node.isObject()) {
            problems.add("study.json: must be a JSON object");
            return null;
        }
        List<ValidationError> errors = schemas.validate(Contract.STUDY_METADATA, node);
        if (!errors.isEmpty()) {
            for (ValidationError error : errors) {
                problems.add(
                        "study.json " + (error.pointer().isEmpty() ? "" : error.pointer() + " ") + error.problem());
            }
            return null;
        }
        if (!studyId.equals(node.path("studyId").asText())) {
            problems.add("study.json /studyId is '" + node.path("studyId").asText()
                    + "' but the deposit folder is deposits/" + studyId + "/; they must match");
            return null;
        }
        try {
            return Json.mapper().treeToValue(node, StudyMetadata.class);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("study.json: " + firstLine(e.getMessage()));
            return null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Who owns a study: its owner group (null for a study without one). Visibility may change between versions;
     * the owner group may not.
     *
     * @param group owner group, or null
     */
    public record Owner(String group) {
        public static Owner of(StudyMetadata metadata) {
            return new Owner(metadata.ownerGroup());
        }

        @Override
        public String toString() {
            return group == null ? "no owner group" : "owner group '" + group + "'";
        }
    }
}
