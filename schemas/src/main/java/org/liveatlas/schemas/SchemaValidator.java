package org.liveatlas.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates JSON documents against the {@link Contract} schemas; every error names the field by JSON
 * pointer. Thread-safe; schemas are compiled once per instance.
 */
public final class SchemaValidator {
    private static final SchemaValidator SHARED = new SchemaValidator();

    private final Map<Contract, JsonSchema> schemas = new EnumMap<>(Contract.class);

    /** Compiles every contract's schema; fails fast if a schema file is missing or broken. */
    public SchemaValidator() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder ->
                        builder.schemaMappers(mappers -> mappers.mapPrefix(Contract.ID_PREFIX, "classpath:schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .build();
        for (Contract contract : Contract.values()) {
            schemas.put(contract, factory.getSchema(SchemaLocation.of(contract.schemaId()), config));
        }
    }

    /** A validator shared by the whole JVM. */
    public static SchemaValidator shared() {
        return SHARED;
    }

    /** Returns every error of {@code document} against {@code contract}, sorted by field; empty when valid. */
    public List<ValidationError> validate(Contract contract, JsonNode document) {
        Set<ValidationMessage> messages = schemas.get(contract).validate(document);
        List<ValidationError> errors = new ArrayList<>(messages.size());
        for (ValidationMessage message : messages) {
            errors.add(toError(message));
        }
        errors.sort(Comparator.comparing(ValidationError::pointer).thenComparing(ValidationError::problem));
        return List.copyOf(errors);
    }

    /** Parses {@code json} and validates it; unparseable text is one error on the whole document. */
    public List<ValidationError> validate(Contract contract, String json) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            return List.of(new ValidationError("", "not valid JSON: " + e.getOriginalMessage()));
        }
        if (node == null || node.isMissingNode()) {
            return List.of(new ValidationError("", "empty document"));
        }
        return validate(contract, node);
    }

    /** Throws {@link ContractViolationException} listing every error unless {@code document} is valid. */
    public void requireValid(Contract contract, JsonNode document) {
        List<ValidationError> errors = validate(contract, document);
        if (!errors.isEmpty()) {
            throw new ContractViolationException(contract, errors);
        }
    }

    private static ValidationError toError(ValidationMessage message) {
        String pointer = message.getInstanceLocation().toString();
        // A missing required property is reported on its parent; name the property itself instead.
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            pointer = pointer + "/" + message.getProperty();
        }
        String text = message.getMessage();
        // The library prefixes the message with the location; drop it, the pointer carries it.
        String prefix = message.getInstanceLocation().toString() + ": ";
        if (text.startsWith(prefix)) {
            text = text.substring(prefix.length());
        }
        return new ValidationError(pointer, text);
    }
}
