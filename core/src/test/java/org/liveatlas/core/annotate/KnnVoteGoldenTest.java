package org.liveatlas.core.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vote against SCimilarity's own per-cell loop, run by {@code make_knn_vote_fixture.py} on
 * random neighbour lists (ties, exact matches, single labels, k from 2 to 50).
 */
class KnnVoteGoldenTest {

    private static final double TOL = 1e-12;

    @Test
    void matchesScimilarityGetPredictionsKnnOnEveryFixtureCell() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("knn_vote_golden.json")) {
            root = new ObjectMapper().readTree(in);
        }
        JsonNode cells = root.get("cells");
        assertThat(cells.size()).isEqualTo(120);
        for (int i = 0; i < cells.size(); i++) {
            JsonNode c = cells.get(i);
            List<Neighbour> ns = new ArrayList<>();
            for (int j = 0; j < c.get("labels").size(); j++) {
                ns.add(new Neighbour(
                        c.get("labels").get(j).asText(),
                        c.get("distances").get(j).asDouble()));
            }
            VoteOptions options = VoteOptions.defaults();
            CellVote v = KnnVote.vote(ns, options);
            CellVote w = KnnVote.vote(ns, options.withWeighting(VoteWeighting.INVERSE_DISTANCE));
            String cell = "fixture cell " + i;

            assertThat(v.label()).as(cell).isEqualTo(c.get("prediction").asText());
            assertThat(w.label())
                    .as(cell)
                    .isEqualTo(c.get("prediction_weighted").asText());
            assertThat(v.minDist()).as(cell).isEqualTo(c.get("min_dist").asDouble());
            assertThat(v.maxDist()).as(cell).isEqualTo(c.get("max_dist").asDouble());
            assertThat(v.vs2nd()).as(cell).isCloseTo(c.get("vs2nd").asDouble(), within(TOL));
            assertThat(v.vsAll()).as(cell).isCloseTo(c.get("vsAll").asDouble(), within(TOL));
            assertThat(v.vs2ndWeighted())
                    .as(cell)
                    .isCloseTo(c.get("vs2nd_weighted").asDouble(), within(TOL));
            assertThat(v.vsAllWeighted())
                    .as(cell)
                    .isCloseTo(c.get("vsAll_weighted").asDouble(), within(TOL));
            Map<String, Double> hits = new LinkedHashMap<>();
            v.hits().forEach((k, n) -> hits.put(k, n.doubleValue()));
            assertThat(hits).as(cell).containsExactlyEntriesOf(doubles(c.get("hits")));
            Map<String, Double> expectedWeighted = doubles(c.get("hits_weighted"));
            assertThat(v.hitsWeighted().keySet()).as(cell).containsExactlyElementsOf(expectedWeighted.keySet());
            expectedWeighted.forEach((k, x) ->
                    assertThat(v.hitsWeighted().get(k)).as(cell + " " + k).isCloseTo(x, within(x * TOL)));
        }
    }

    private static Map<String, Double> doubles(JsonNode obj) {
        Map<String, Double> m = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }
}
