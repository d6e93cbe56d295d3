package org.liveatlas.schemas;

import java.util.List;
import java.util.stream.Collectors;

/** A document that does not satisfy its contract; carries every error with the field it names. */
public final class ContractViolationException extends IllegalArgumentException {
    private final Contract contract;
    private final List<ValidationError> errors;

    public ContractViolationException(Contract contract, List<ValidationError> errors) {
        super(contract.title() + " document breaks its schema (" + contract.resource() + "): "
                + errors.stream().map(ValidationError::toString).collect(Collectors.joining("; ")));
        this.contract = contract;
        this.errors = List.copyOf(errors);
    }

    public Contract contract() {
        return contract;
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
