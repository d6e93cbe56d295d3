package org.liveatlas.flink.opensearch;

/**
 * How the Lucene k-NN engine stores the vectors of a new cells index: as float32 ({@code NONE}), or scalar
 * quantised to int8 ({@code SQ}: four times less memory; the graph and the search use the quantised vectors,
 * so check its recall against exact search before choosing it).
 */
public enum VectorEncoder {
    NONE,
    SQ
}
