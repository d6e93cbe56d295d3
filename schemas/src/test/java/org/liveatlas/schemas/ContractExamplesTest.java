package org.liveatlas.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.study.StudyMetadata;

class ContractExamplesTest {
    private static final Map<String, Contract> FOLDERS = Map.of(
            "study", Contract.STUDY_METADATA,
            "StudyDeposited", Contract.STUDY_DEPOSITED,
            "StudyWithdrawn", Contract.STUDY_WITHDRAWN,
            "StudyStatus", Contract.STUDY_STATUS,
            "ModelPublished", Contract.MODEL_PUBLISHED,
            "DeadLetter", Contract.DEAD_LETTER);

    private static final Map<Contract, Class<?>> RECORDS = Map.of(
            Contract.STUDY_METADATA, StudyMetadata.class,
            Contract.STUDY_DEPOSITED, StudyDeposited.class,
            Contract.STUDY_WITHDRAWN, StudyWithdrawn.class,
            Contract.STUDY_STATUS, StudyStatus.class,
            Contract.MODEL_PUBLISHED, ModelPublished.class,
            Contract.DEAD_LETTER, DeadLetter.class);

    private final SchemaValidator validator = SchemaValidator.shared();

    @TestFactory
    Stream<DynamicTest> validExamplesPassTheirSchema() throws IOException {
        return examples("valid").stream()
                .map(file -> DynamicTest.dynamicTest(relative("valid", file), () -> {
                    List<ValidationError> errors = validator.validate(contractOf("valid", file), read(file));
                    assertThat(errors).as(relative("valid", file)).isEmpty();
                }));
    }

    @TestFactory
    Stream<DynamicTest> validExamplesRoundTripThroughTheirRecordAndStillPass() throws IOException {
        return examples("valid").stream()
                .map(file -> DynamicTest.dynamicTest(relative("valid", file), () -> {
                    Contract contract = contractOf("valid", file);
                    Object value = Json.mapper().treeToValue(read(file), RECORDS.get(contract));
                    JsonNode written = Json.tree(value);
                    assertThat(validator.validate(contract, written)).isEmpty();
                    assertThat(Json.mapper().treeToValue(written, RECORDS.get(contract)))
                            .isEqualTo(value);
                }));
    }

    @TestFactory
    Stream<DynamicTest> invalidExamplesFailNamingTheBrokenField() throws IOException {
        JsonNode expected = Json.mapper().readTree(resource("examples/invalid/expected.json"));
        return examples("invalid").stream()
                .filter(file -> !file.getFileName().toString().equals("expected.json"))
                .map(file -> DynamicTest.dynamicTest(relative("invalid", file), () -> {
                    String name = relative("invalid", file);
                    JsonNode expectation = expected.get(name);
                    assertThat(expectation)
                            .as("expected.json has an entry for " + name)
                            .isNotNull();
                    List<ValidationError> errors = validator.validate(contractOf("invalid", file), read(file));
                    String pointer = expectation.get("pointer").asText();
                    String fragment = expectation.get("contains").asText();
                    assertThat(errors).as(name + " fails at " + pointer).anySatisfy(error -> {
                        assertThat(error.pointer()).isEqualTo(pointer);
                        assertThat(error.problem()).containsIgnoringCase(fragment);
                    });
                }));
    }

    @Test
    void everyInvalidExpectationHasItsExampleFile() throws IOException {
        JsonNode expected = Json.mapper().readTree(resource("examples/invalid/expected.json"));
        TreeSet<String> files = new TreeSet<>();
        for (Path file : examples("invalid")) {
            files.add(relative("invalid", file));
        }
        Iterator<String> names = expected.fieldNames();
        List<String> missing = new ArrayList<>();
        names.forEachRemaining(name -> {
            if (!files.contains(name)) {
                missing.add(name);
            }
        });
        assertThat(missing).isEmpty();
    }

    @Test
    void everyContractHasValidAndInvalidExamples() throws IOException {
        for (Map.Entry<String, Contract> folder : FOLDERS.entrySet()) {
            assertThat(Files.list(examplesRoot().resolve("valid").resolve(folder.getKey()))
                            .count())
                    .as("valid examples of " + folder.getValue())
                    .isPositive();
            assertThat(Files.list(examplesRoot().resolve("invalid").resolve(folder.getKey()))
                            .count())
                    .as("invalid examples of " + folder.getValue())
                    .isPositive();
        }
    }

    @Test
    void unparseableTextIsOneErrorOnTheWholeDocument() {
        List<ValidationError> errors = validator.validate(Contract.STUDY_METADATA, "{\"studyId\": ");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEmpty();
            assertThat(e.problem()).startsWith("not valid JSON");
        });
    }

    @Test
    void requireValidThrowsWithEveryErrorInTheMessage() throws IOException {
        JsonNode doc =
                Json.mapper().readTree("{\"schemaVersion\": 1, \"studyId\": \"s1\", \"visibility\": \"public\"}");
        try {
            validator.requireValid(Contract.STUDY_METADATA, doc);
            throw new AssertionError("expected a violation");
        } catch (ContractViolationException e) {
            assertThat(e.errors()).extracting(ValidationError::pointer).containsExactly("/organism", "/title");
            assertThat(e.getMessage()).contains("/organism").contains("/title").contains("study.json");
        }
    }

    private static Contract contractOf(String kind, Path file) {
        String folder = examplesRoot().resolve(kind).relativize(file).getName(0).toString();
        Contract contract = FOLDERS.get(folder);
        assertThat(contract).as("contract for folder " + folder).isNotNull();
        return contract;
    }

    private static JsonNode read(Path file) throws IOException {
        return Json.mapper().readTree(file.toFile());
    }

    private static String relative(String kind, Path file) {
        return examplesRoot().resolve(kind).relativize(file).toString().replace('\\', '/');
    }

    private static List<Path> examples(String kind) throws IOException {
        try (Stream<Path> files = Files.walk(examplesRoot().resolve(kind))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static Path examplesRoot() {
        URL url = ContractExamplesTest.class.getClassLoader().getResource("examples");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) {
        return ContractExamplesTest.class.getClassLoader().getResourceAsStream(name);
    }
}
