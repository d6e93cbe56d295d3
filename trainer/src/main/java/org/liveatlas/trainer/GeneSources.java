package org.liveatlas.trainer;

/** Which deposited studies count towards a new model's gene order ("genes listed by at least N studies"). */
public enum GeneSources {
    /** Only the labelled studies trained on. */
    LABELLED,
    /**
     * Every deposit, labelled or not: with {@code min-studies-per-gene} 2 the gene order keeps only the
     * genes that the labelled reference shares with another deposit, e.g. a query study that measures
     * only a targeted panel, so that such a study is embedded from genes it actually has.
     */
    ALL_DEPOSITS
}
