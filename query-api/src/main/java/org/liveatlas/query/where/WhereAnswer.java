package org.liveatlas.query.where;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Where the hits lie, as SCimilarity's {@code compile_sample_metadata}: per group the hits, their share
 * of all hits, the group's visible cells and the hits' share of them.
 *
 * @param totalHits cells counted
 * @param byStudy groups by study
 * @param bySample groups by study and sample
 * @param byTissue groups by tissue ({@code unspecified} when absent)
 * @param byDisease groups by disease ({@code unspecified} when absent)
 * @param byDepositMonth groups by the month the cells entered the atlas ({@code yyyy-MM})
 * @param groupsTotal number of groups of each grouping (by its name), all pages together
 * @param nextCursor send as {@code cursor} with the same request for the next page of every grouping;
 *     absent when every grouping is complete
 */
public record WhereAnswer(
        String modelVersion,
        long totalHits,
        List<Group> byStudy,
        List<Group> bySample,
        List<Group> byTissue,
        List<Group> byDisease,
        List<Group> byDepositMonth,
        Map<String, Long> groupsTotal,
        @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {

    /**
     * One group.
     *
     * @param key the group's value
     * @param study for sample groups, the study
     * @param hits hits in the group
     * @param fraction hits / total hits
     * @param groupCells visible cells of the group (all of them, hits or not)
     * @param groupFraction hits / group cells
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Group(String key, String study, long hits, double fraction, long groupCells, double groupFraction) {}
}
