package org.liveatlas.query.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.FieldValue.Kind;

/** Cursor tokens: what goes out comes back, and anything else is a 400 naming the field. */
class CursorTest {
    static final Caller ALICE = new Caller("alice", Set.of("lab-b", "lab-a"));

    @Test
    void aCursorComesBackAsItWentOutAsUrlSafeBase64() {
        String request = Cursor.fingerprint(ALICE, "v1", null, 0.03, List.of(1.5f));
        Cursor c = new Cursor(
                "radius",
                request,
                2,
                140,
                List.of(FieldValue.of(0.987654321), FieldValue.of("s1"), FieldValue.of("c7")));
        String token = c.encode();
        assertThat(token).matches("[A-Za-z0-9_-]+");
        Cursor back = Cursor.decode(token, "radius", request, Kind.Double, Kind.String, Kind.String);
        assertThat(back.query()).isEqualTo(2);
        assertThat(back.offset()).isEqualTo(140);
        assertThat(back.after().get(0).doubleValue()).isEqualTo(0.987654321);
        assertThat(back.after().get(2).stringValue()).isEqualTo("c7");
    }

    @Test
    void theFingerprintDependsOnTheCallerAndEveryPartButNotOnTheGroupsOrder() {
        String a = Cursor.fingerprint(ALICE, "label", null);
        assertThat(Cursor.fingerprint(new Caller("alice", Set.of("lab-a", "lab-b")), "label", null))
                .isEqualTo(a);
        assertThat(Cursor.fingerprint(new Caller("alice", Set.of("lab-a")), "label", null))
                .isNotEqualTo(a);
        assertThat(Cursor.fingerprint(new Caller("bob", Set.of("lab-a", "lab-b")), "label", null))
                .isNotEqualTo(a);
        assertThat(Cursor.fingerprint(ALICE, "label", 5)).isNotEqualTo(a);
    }

    @Test
    void malformedForeignOrMistypedCursorsAreRefusedNamingTheField() {
        String request = Cursor.fingerprint(ALICE);
        String studies = new Cursor("studies", request, 0, 10, List.of(FieldValue.of("s9"))).encode();
        assertRefused(() -> Cursor.decode("not a cursor!", "studies", request, Kind.String), "not a cursor");
        String json = Base64.getUrlEncoder().encodeToString("{\"l\":\"studies\"}".getBytes());
        assertRefused(() -> Cursor.decode(json, "studies", request, Kind.String), "not a cursor");
        assertRefused(() -> Cursor.decode(studies, "where", request), "another list");
        assertRefused(
                () -> Cursor.decode(studies, "studies", Cursor.fingerprint(Caller.anonymous()), Kind.String),
                "another request");
        assertRefused(() -> Cursor.decode(studies, "studies", request, Kind.Double), "not a cursor");
        assertThat(Cursor.decode(studies, "studies", request, Kind.String).after())
                .extracting(FieldValue::stringValue)
                .containsExactly("s9");
    }

    private static void assertRefused(Runnable decode, String why) {
        assertThatThrownBy(decode::run).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.type()).isEqualTo("invalid-cursor");
            assertThat(p.extensions()).containsEntry("field", "cursor");
            assertThat(p.detail()).contains(why, "next_cursor");
        });
    }
}
