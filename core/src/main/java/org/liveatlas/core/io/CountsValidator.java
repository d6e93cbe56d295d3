package org.liveatlas.core.io;

import java.nio.file.Path;
import java.util.List;
import org.liveatlas.core.PoisonInputException;

/**
 * Rejects a value that cannot be a raw count (negative, NaN, infinite, not an integer), naming the
 * file, the matrix, the cell, the gene and the value.
 *
 * <p>Checked on the value as stored (double precision), before it is narrowed to a float, so a
 * float64 0.5 is caught even where the float would round.
 */
final class CountsValidator {
    private final Path file;
    private final String matrix;
    private final List<String> cellIds;
    private final List<String> genes;

    CountsValidator(Path file, String matrix, List<String> cellIds, List<String> genes) {
        this.file = file;
        this.matrix = matrix;
        this.cellIds = cellIds;
        this.genes = genes;
    }

    /** Returns {@code value} when it is a valid count, otherwise throws. */
    double check(double value, int row, int col) {
        if (value >= 0 && value == Math.rint(value) && value != Double.POSITIVE_INFINITY) {
            return value;
        }
        throw new PoisonInputException(describe(value, row, col));
    }

    private String describe(double value, int row, int col) {
        String what;
        String remedy;
        if (Double.isNaN(value)) {
            what = "NaN";
            remedy = "a counts matrix must not hold missing values";
        } else if (Double.isInfinite(value)) {
            what = "an infinite value " + value;
            remedy = "a counts matrix must hold finite integers";
        } else if (value < 0) {
            what = "a negative value " + value;
            remedy = "raw counts are never negative";
        } else {
            what = "a non-integer value " + value;
            remedy = "this looks normalised: provide raw integer counts (layers['counts'], raw/X or an integer X)";
        }
        return "study file " + file + ": " + matrix + " holds " + what + " at cell " + name(cellIds, row) + " (row "
                + row + "), gene " + name(genes, col) + " (column " + col + "); " + remedy;
    }

    private static String name(List<String> names, int i) {
        return i >= 0 && i < names.size() ? "'" + names.get(i) + "'" : "#" + i;
    }
}
