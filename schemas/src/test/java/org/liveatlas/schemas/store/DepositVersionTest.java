package org.liveatlas.schemas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.liveatlas.schemas.events.Checksums;

class DepositVersionTest {
    private static final String PREFIX = "deposits/s1/";

    @Test
    void isTheSha256OfSortedKeySizeEtagLinesWithEtagsUnquotedAndLowerCase() throws Exception {
        String lines = "counts.h5ad\u00005000\u0000bbbb-3\n" + "study.json\u0000120\u0000aaaa\n";
        String expected = "sha256:"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(lines.getBytes(StandardCharsets.UTF_8)));
        String version = DepositVersion.of(
                PREFIX,
                List.of(
                        new DepositVersion.Listed(PREFIX + "study.json", 120, "\"AAAA\""),
                        new DepositVersion.Listed(PREFIX + "counts.h5ad", 5000, "bbbb-3")));
        assertThat(version).isEqualTo(expected);
        assertThat(Checksums.isVersion(version)).isTrue();
    }

    @Test
    void refusesObjectsOutsideThePrefix() {
        assertThatThrownBy(() ->
                        DepositVersion.of(PREFIX, List.of(new DepositVersion.Listed("deposits/s2/x.h5ad", 1, "e"))))
                .hasMessageContaining("not under deposits/s1/");
    }
}
