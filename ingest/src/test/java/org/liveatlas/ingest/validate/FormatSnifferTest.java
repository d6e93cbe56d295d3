package org.liveatlas.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.liveatlas.ingest.Fixtures;
import org.liveatlas.schemas.events.DataFormat;

class FormatSnifferTest {
    private static final byte[] H5AD = Fixtures.bytes("fixtures/tiny.h5ad");

    @Test
    void recognisesFormatsByFileName() {
        assertThat(FormatSniffer.claimedFormat("counts.h5ad")).contains(DataFormat.H5AD);
        assertThat(FormatSniffer.claimedFormat("x/filtered_feature_bc_matrix.h5"))
                .contains(DataFormat.TENX_H5);
        assertThat(FormatSniffer.claimedFormat("ctrl/matrix.mtx.gz")).contains(DataFormat.TENX_MATRIX);
        assertThat(FormatSniffer.claimedFormat("ctrl/genes.tsv")).contains(DataFormat.TENX_FEATURES);
        assertThat(FormatSniffer.claimedFormat("ctrl/Barcodes.TSV.GZ")).contains(DataFormat.TENX_BARCODES);
        assertThat(FormatSniffer.claimedFormat("study.json")).contains(DataFormat.STUDY_JSON);
        assertThat(FormatSniffer.claimedFormat("sub/study.json")).isEmpty();
        assertThat(FormatSniffer.claimedFormat("counts.csv")).isEmpty();
    }

    @Test
    void acceptsFilesWrittenByAnndataH5pyAndScipy() {
        byte[] tenxH5 = Fixtures.bytes("fixtures/tiny_10x.h5");
        assertThat(check("tiny.h5ad", DataFormat.H5AD, H5AD)).isEmpty();
        assertThat(check("tiny_10x.h5", DataFormat.TENX_H5, tenxH5)).isEmpty();
        assertThat(check("tenx/matrix.mtx.gz", DataFormat.TENX_MATRIX, Fixtures.bytes("fixtures/tenx/matrix.mtx.gz")))
                .isEmpty();
        assertThat(check(
                        "tenx/features.tsv.gz",
                        DataFormat.TENX_FEATURES,
                        Fixtures.bytes("fixtures/tenx/features.tsv.gz")))
                .isEmpty();
        assertThat(check(
                        "tenx/barcodes.tsv.gz",
                        DataFormat.TENX_BARCODES,
                        Fixtures.bytes("fixtures/tenx/barcodes.tsv.gz")))
                .isEmpty();
    }

    @Test
    void rejectsATruncatedHdf5FileByItsSuperblockEndOfFileAddress() {
        byte[] cut = Arrays.copyOf(H5AD, H5AD.length / 2);
        assertThat(FormatSniffer.check("tiny.h5ad", DataFormat.H5AD, head(cut), cut.length))
                .get()
                .asString()
                .contains("truncated HDF5 file")
                .contains(cut.length + " of " + H5AD.length + " bytes");
    }

    @Test
    void rejectsAnHdf5FileCutInsideItsSuperblock() {
        byte[] cut = Arrays.copyOf(H5AD, 30);
        assertThat(FormatSniffer.check("tiny.h5ad", DataFormat.H5AD, cut, cut.length))
                .get()
                .asString()
                .contains("truncated HDF5");
    }

    @Test
    void readsVersionTwoSuperblocks() {
        byte[] v2 = new byte[48];
        System.arraycopy(FormatSniffer.HDF5_SIGNATURE, 0, v2, 0, 8);
        v2[8] = 2; // superblock version
        v2[9] = 8; // size of offsets
        v2[10] = 8; // size of lengths
        // base address at 12 = 0, extension at 20 = undefined, end of file at 28 = 1000
        Arrays.fill(v2, 20, 28, (byte) 0xff);
        v2[28] = (byte) 0xe8;
        v2[29] = 0x03;
        assertThat(FormatSniffer.check("a.h5ad", DataFormat.H5AD, v2, 1000)).isEmpty();
        assertThat(FormatSniffer.check("a.h5ad", DataFormat.H5AD, v2, 999))
                .get()
                .asString()
                .contains("999 of 1000");
    }

    @Test
    void rejectsFilesWithoutTheHdf5Signature() {
        byte[] text = "cell,gene,count\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(check("counts.h5ad", DataFormat.H5AD, text)).get().asString().contains("not an HDF5 file");
    }

    @Test
    void rejectsEmptyFiles() {
        assertThat(FormatSniffer.check("counts.h5ad", DataFormat.H5AD, new byte[0], 0))
                .get()
                .asString()
                .contains("empty file");
    }

    @Test
    void requiresTheMatrixMarketHeaderInsidePlainAndGzippedMatrices() throws IOException {
        byte[] plain =
                "%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 1 5\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(check("m/matrix.mtx", DataFormat.TENX_MATRIX, plain)).isEmpty();
        assertThat(check("m/matrix.mtx.gz", DataFormat.TENX_MATRIX, gzip(plain)))
                .isEmpty();
        byte[] wrong = "hello world\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(check("m/matrix.mtx.gz", DataFormat.TENX_MATRIX, gzip(wrong)))
                .get()
                .asString()
                .contains("not a Matrix Market file")
                .contains("hello world");
    }

    @Test
    void rejectsGzipNamesWithoutGzipContentAndTheReverse() throws IOException {
        byte[] text = "AAACCTG-1\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(check("m/barcodes.tsv.gz", DataFormat.TENX_BARCODES, text))
                .get()
                .asString()
                .contains("no gzip magic");
        assertThat(check("m/barcodes.tsv", DataFormat.TENX_BARCODES, gzip(text)))
                .get()
                .asString()
                .contains("rename it");
    }

    @Test
    void rejectsBinaryContentWhereTextIsExpected() throws IOException {
        byte[] binary = {1, 2, 0, 4, 5};
        assertThat(check("m/features.tsv.gz", DataFormat.TENX_FEATURES, gzip(binary)))
                .get()
                .asString()
                .contains("binary content");
    }

    @Test
    void peeksIntoAGzipStreamFromOnlyItsFirstBytes() throws IOException {
        StringBuilder big = new StringBuilder("%%MatrixMarket matrix coordinate integer general\n");
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 100_000; i++) {
            big.append(random.nextInt(30000))
                    .append(' ')
                    .append(random.nextInt(5000))
                    .append(' ')
                    .append(random.nextInt(9))
                    .append('\n');
        }
        byte[] compressed = gzip(big.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(compressed.length).isGreaterThan(FormatSniffer.HEAD_BYTES);
        assertThat(FormatSniffer.check("m/matrix.mtx.gz", DataFormat.TENX_MATRIX, head(compressed), compressed.length))
                .isEmpty();
    }

    private static java.util.Optional<String> check(String key, DataFormat format, byte[] content) {
        return FormatSniffer.check(key, format, head(content), content.length);
    }

    private static byte[] head(byte[] content) {
        return Arrays.copyOf(content, Math.min(content.length, FormatSniffer.HEAD_BYTES));
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }
}
