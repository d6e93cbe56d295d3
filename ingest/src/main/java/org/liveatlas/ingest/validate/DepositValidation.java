package org.liveatlas.ingest.validate;

import java.util.List;
import org.liveatlas.schemas.events.DepositedObject;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * The verdict on one deposit version.
 *
 * @param problems every reason to quarantine it, each naming the file or field; empty when it is good
 * @param metadata the parsed study.json, or null when it could not be read
 * @param objects the deposit's objects with their recognised formats (only meaningful when good)
 */
public record DepositValidation(List<String> problems, StudyMetadata metadata, List<DepositedObject> objects) {
    public DepositValidation {
        problems = List.copyOf(problems);
        objects = List.copyOf(objects);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
