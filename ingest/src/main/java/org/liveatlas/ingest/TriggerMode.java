package org.liveatlas.ingest;

/** How the ingest service learns that deposits changed. */
public enum TriggerMode {
    /** List the bucket every scan interval (stores without notifications; the embedded default). */
    SCANNER,
    /** Read MinIO bucket notifications from the raw S3 events topic. */
    NOTIFICATIONS,
    /** Both: notifications for speed, a periodic rescan to catch anything a notification missed. */
    BOTH
}
