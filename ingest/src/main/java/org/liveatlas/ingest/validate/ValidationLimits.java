package org.liveatlas.ingest.validate;

/**
 * Size limits checked at ingest.
 *
 * @param maxFileBytes largest data file
 * @param maxDepositBytes largest deposit, all files together
 * @param maxStudyJsonBytes largest study.json
 */
public record ValidationLimits(long maxFileBytes, long maxDepositBytes, long maxStudyJsonBytes) {
    public ValidationLimits {
        if (maxFileBytes < 1 || maxDepositBytes < 1 || maxStudyJsonBytes < 1) {
            throw new IllegalArgumentException("size limits must be positive");
        }
    }
}
