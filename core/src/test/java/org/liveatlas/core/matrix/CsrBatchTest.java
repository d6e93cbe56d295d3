package org.liveatlas.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CsrBatchTest {
    // rows: [1 0 2], [0 0 0], [0 3 0], [4 5 6]
    private static final CsrBatch B =
            new CsrBatch(4, 3, new int[] {0, 2, 2, 3, 6}, new int[] {0, 2, 1, 0, 1, 2}, new float[] {1, 2, 3, 4, 5, 6});

    @Test
    void selectRowsKeepsTheFlaggedRowsInOrder() {
        CsrBatch s = B.selectRows(new boolean[] {false, true, true, true});
        assertThat(s.rows()).isEqualTo(3);
        assertThat(s.toDense()).containsExactly(0, 0, 0, 0, 3, 0, 4, 5, 6);
        assertThat(B.selectRows(new boolean[] {true, false, false, true}).toDense())
                .containsExactly(1, 0, 2, 4, 5, 6);
        assertThat(B.selectRows(new boolean[4]).rows()).isZero();
        assertThat(B.selectRows(new boolean[] {true, true, true, true})).isEqualTo(B);
        assertThatThrownBy(() -> B.selectRows(new boolean[3])).hasMessageContaining("3 flags for 4 rows");
    }

    @Test
    void ofDenseKeepsTheNonZeroEntries() {
        assertThat(CsrBatch.ofDense(new float[][] {{1, 0, 2}, {0, 0, 0}, {0, 3, 0}, {4, 5, 6}}))
                .isEqualTo(B);
        assertThatThrownBy(() -> CsrBatch.ofDense(new float[][] {{1, 2}, {3}})).hasMessageContaining("lengths");
        assertThatThrownBy(() -> CsrBatch.ofDense(new float[0][])).hasMessageContaining("at least one row");
    }
}
