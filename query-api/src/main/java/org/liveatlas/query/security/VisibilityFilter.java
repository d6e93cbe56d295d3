package org.liveatlas.query.security;

import java.util.ArrayList;
import java.util.List;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * The clause that keeps private studies private: {@code visibility = public} or {@code owner_group} in
 * the caller's groups. Every query on the cells and studies indexes includes it, inside the k-NN
 * filter or the top-level bool, so no hit, count or aggregation ever includes a hidden cell.
 */
public final class VisibilityFilter {
    /** Field holding {@code public} or {@code private} in both indexes. */
    public static final String VISIBILITY = "visibility";
    /** Field holding the owning group in both indexes. */
    public static final String OWNER_GROUP = "owner_group";

    private VisibilityFilter() {}

    /** The visibility clause for {@code caller}. */
    public static Query of(Caller caller) {
        Query pub = Query.of(q -> q.term(t -> t.field(VISIBILITY).value(FieldValue.of("public"))));
        if (caller.groups().isEmpty()) {
            return pub;
        }
        List<FieldValue> groups = new ArrayList<>();
        caller.groups().forEach(g -> groups.add(FieldValue.of(g)));
        Query own = Query.of(q -> q.terms(t -> t.field(OWNER_GROUP).terms(v -> v.value(groups))));
        return Query.of(q -> q.bool(b -> b.should(pub).should(own).minimumShouldMatch("1")));
    }
}
