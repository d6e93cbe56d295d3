package org.liveatlas.query.where;

import java.util.List;
import org.liveatlas.query.search.SearchFilters;

/**
 * {@code POST /v1/where}: which cells to count, then counted by study, sample, tissue, disease and
 * deposit month. Give either a search ({@code embeddings} or {@code cell_ids}, several are averaged to
 * their centroid, with {@code k} or {@code max_dist}) or a {@code label}.
 *
 * @param embeddings query vectors
 * @param cellIds indexed cells as queries
 * @param k nearest cells counted (default 1,000), when {@code max_dist} is absent
 * @param maxDist count every cell within this cosine distance instead of the k nearest
 * @param label count the cells whose author or predicted label is this
 * @param filters metadata filters, inside the query
 * @param modelVersion pin a model version: count in its own cells index (embeddings must come from it)
 * @param groupLimit groups per grouping in one answer (default 100, at most 10,000), most hits first
 * @param cursor the {@code next_cursor} of the previous answer to the same request: the next page of every
 *     grouping
 */
public record WhereRequest(
        List<float[]> embeddings,
        List<String> cellIds,
        Integer k,
        Double maxDist,
        String label,
        SearchFilters filters,
        Integer groupLimit,
        String cursor,
        String modelVersion) {}
