package org.liveatlas.ingest.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.io.StudyFormat;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;

/**
 * Checks, before anything is uploaded, that the obs columns a deposit's options name exist in a dataset (an
 * {@code .h5ad}, a 10x {@code .h5} or a 10x folder), read as the platform reads it ({@link StudyReaders}).
 */
public final class ObsColumnCheck {
    private ObsColumnCheck() {}

    /**
     * Throws {@link PoisonInputException} naming the option, the column, the dataset and the columns it does have
     * unless {@code dataset} has every column of {@code columnsByOption} (option name to column name).
     */
    public static void require(Map<String, String> columnsByOption, Path dataset) {
        if (columnsByOption.isEmpty()) {
            return;
        }
        List<String> present;
        StudyFormat format;
        try (StudyReader reader = StudyReaders.open(dataset)) {
            present = reader.obsColumnNames();
            format = reader.format();
        } catch (PoisonInputException e) {
            throw new PoisonInputException(
                    "deposit: cannot read the obs columns of " + dataset + " to check "
                            + String.join(", ", columnsByOption.keySet()) + ": " + e.getMessage(),
                    e);
        }
        for (Map.Entry<String, String> named : columnsByOption.entrySet()) {
            if (!present.contains(named.getValue())) {
                throw new PoisonInputException("deposit: column '" + named.getValue() + "' (" + named.getKey()
                        + ") is not in the obs of " + dataset + "; " + has(present, format) + "; "
                        + remedy(named.getKey(), format));
            }
        }
    }

    private static String has(List<String> present, StudyFormat format) {
        if (format != StudyFormat.H5AD) {
            return "10x data has no obs columns";
        }
        return present.isEmpty() ? "it has no obs columns" : "its obs columns are " + String.join(", ", present);
    }

    private static String remedy(String option, StudyFormat format) {
        return format == StudyFormat.H5AD
                ? "give " + option + " one of them, or leave it out"
                : "leave " + option + " out, or deposit an .h5ad whose obs holds the column";
    }
}
