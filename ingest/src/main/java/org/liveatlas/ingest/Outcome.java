package org.liveatlas.ingest;

/** What processing one deposit folder did. */
public enum Outcome {
    /** A new StudyDeposited was published. */
    DEPOSITED,
    /** A StudyWithdrawn was published. */
    WITHDRAWN,
    /** The deposit was copied to quarantine and a quarantined status published. */
    QUARANTINED,
    /** This version was already announced or quarantined: nothing to do. */
    UNCHANGED,
    /** Data files without study.json, not yet old enough to call incomplete. */
    WAITING,
    /** Processing failed (the store or Kafka unreachable); the next pass tries again. */
    DEFERRED
}
