package org.liveatlas.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.liveatlas.ingest.store.StoredObject;

class DepositChecksumTest {
    private static final String PREFIX = "deposits/s1/";
    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    private final List<StoredObject> objects = List.of(
            new StoredObject(PREFIX + "study.json", 120, "\"aaaa\"", T),
            new StoredObject(PREFIX + "counts.h5ad", 5000, "bbbb-3", T),
            new StoredObject(PREFIX + "ctrl/matrix.mtx.gz", 70, "cccc", T));

    @Test
    void isTheSha256OfSortedKeySizeEtagLines() throws Exception {
        String lines = "counts.h5ad\u00005000\u0000bbbb-3\n" + "ctrl/matrix.mtx.gz\u000070\u0000cccc\n"
                + "study.json\u0000120\u0000aaaa\n";
        String expected = "sha256:"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(lines.getBytes(StandardCharsets.UTF_8)));
        assertThat(DepositChecksum.of(PREFIX, objects)).isEqualTo(expected);
    }

    @Test
    void doesNotDependOnListingOrderOrModificationTime() {
        List<StoredObject> shuffled = new ArrayList<>(objects);
        Collections.reverse(shuffled);
        shuffled.set(
                0,
                new StoredObject(
                        shuffled.get(0).key(),
                        shuffled.get(0).size(),
                        shuffled.get(0).etag(),
                        T.plusSeconds(99)));
        assertThat(DepositChecksum.of(PREFIX, shuffled)).isEqualTo(DepositChecksum.of(PREFIX, objects));
    }

    @Test
    void changesWhenAnyContentSizeOrNameChanges() {
        String base = DepositChecksum.of(PREFIX, objects);
        assertThat(DepositChecksum.of(PREFIX, replace(0, new StoredObject(PREFIX + "study.json", 120, "aaab", T))))
                .isNotEqualTo(base);
        assertThat(DepositChecksum.of(PREFIX, replace(1, new StoredObject(PREFIX + "counts.h5ad", 5001, "bbbb-3", T))))
                .isNotEqualTo(base);
        assertThat(DepositChecksum.of(
                        PREFIX, replace(2, new StoredObject(PREFIX + "ctrl/matrix2.mtx.gz", 70, "cccc", T))))
                .isNotEqualTo(base);
        assertThat(DepositChecksum.of(PREFIX, objects.subList(0, 2))).isNotEqualTo(base);
    }

    @Test
    void refusesObjectsOutsideThePrefix() {
        assertThatThrownBy(() -> DepositChecksum.of(PREFIX, List.of(new StoredObject("deposits/s2/x.h5ad", 1, "e", T))))
                .hasMessageContaining("not under deposits/s1/");
    }

    private List<StoredObject> replace(int index, StoredObject replacement) {
        List<StoredObject> copy = new ArrayList<>(objects);
        copy.set(index, replacement);
        return copy;
    }
}
