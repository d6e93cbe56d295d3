package org.liveatlas.schemas.index;

/**
 * How the cells index stores and searches vectors: HNSW on cosine similarity.
 *
 * @param dimension vector length (the model's latent size, 128 for SCimilarity)
 * @param engine k-NN engine
 * @param m HNSW graph degree
 * @param efConstruction HNSW candidate list size while building
 * @param shards primary shards
 * @param replicas replicas per shard
 */
public record KnnSettings(int dimension, KnnEngine engine, int m, int efConstruction, int shards, int replicas) {
    /** Default HNSW degree. */
    public static final int DEFAULT_M = 16;
    /** Default HNSW build-time candidate list. */
    public static final int DEFAULT_EF_CONSTRUCTION = 128;

    public KnnSettings {
        if (dimension < 1 || dimension > 16000) {
            throw new IllegalArgumentException("knn dimension " + dimension + " is outside 1..16000");
        }
        if (engine == null) {
            throw new IllegalArgumentException("knn engine is required (lucene for the embedded OpenSearch)");
        }
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("HNSW m " + m + " is outside 2..512");
        }
        if (efConstruction < 2 || efConstruction > 4096) {
            throw new IllegalArgumentException("HNSW ef_construction " + efConstruction + " is outside 2..4096");
        }
        if (shards < 1 || replicas < 0) {
            throw new IllegalArgumentException("shards " + shards + " must be >= 1 and replicas " + replicas + " >= 0");
        }
    }

    /** Lucene engine, default HNSW parameters, one shard, no replica. */
    public static KnnSettings defaults(int dimension) {
        return new KnnSettings(dimension, KnnEngine.LUCENE, DEFAULT_M, DEFAULT_EF_CONSTRUCTION, 1, 0);
    }
}
