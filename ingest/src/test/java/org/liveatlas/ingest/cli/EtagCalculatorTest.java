package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtagCalculatorTest {
    @Test
    void singlePartEtagIsTheMd5OfTheContent() throws Exception {
        byte[] data = random(1000);
        EtagCalculator calc = new EtagCalculator(4096, data.length);
        calc.update(data, 0, 300);
        calc.update(data, 300, 700);
        assertThat(calc.etag())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("MD5").digest(data)));
    }

    @Test
    void multipartEtagIsTheMd5OfPartMd5sWithThePartCount() throws Exception {
        byte[] data = random(250);
        ByteArrayOutputStream digests = new ByteArrayOutputStream();
        for (int off = 0; off < data.length; off += 100) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, off, Math.min(100, data.length - off));
            digests.write(md5.digest());
        }
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(digests.toByteArray())) + "-3";
        EtagCalculator calc = new EtagCalculator(100, data.length);
        calc.update(data, 0, 150); // crosses a part boundary inside one buffer
        calc.update(data, 150, 100);
        assertThat(calc.etag()).isEqualTo(expected);
    }

    @Test
    void aLocalFileGetsTheEtagOfItsUploadInTheSameParts(@TempDir Path dir) throws Exception {
        byte[] data = random(250);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        EtagCalculator calc = new EtagCalculator(100, data.length);
        calc.update(data, 0, data.length);

        assertThat(EtagCalculator.of(file, 100)).isEqualTo(calc.etag()).endsWith("-3");
        assertThat(EtagCalculator.of(data, 100)).isEqualTo(calc.etag());
        assertThat(EtagCalculator.of(data, 4096))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("MD5").digest(data)));
    }

    @Test
    void exactMultipleOfThePartSizeHasNoEmptyTrailingPart() throws Exception {
        byte[] data = random(200);
        EtagCalculator calc = new EtagCalculator(100, data.length);
        calc.update(data, 0, 200);
        assertThat(calc.etag()).endsWith("-2");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
