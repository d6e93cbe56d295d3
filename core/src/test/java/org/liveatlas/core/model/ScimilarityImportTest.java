package org.liveatlas.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.model.internal.TorchCheckpoint;

class ScimilarityImportTest {

    @TempDir
    Path tmp;

    @Test
    void importsPublishedFolderWithArchitectureGeneOrderLabelsAndDecoder() {
        ModelFolder m = ModelFolder.load(ModelFixtures.scimilarityFolder());

        assertThat(m.format()).isEqualTo(ModelFolder.Format.SCIMILARITY);
        assertThat(m.architecture()).isEqualTo(new Architecture(300, List.of(64, 32), 16));
        assertThat(m.geneOrder()).hasSize(300).startsWith("CD3E", "MS4A1", "NKG7", "CD14", "PPBP");
        assertThat(m.labels())
                .containsEntry(0, "T cell")
                .containsEntry(3, "CD14-positive monocyte")
                .hasSize(5);
        assertThat(m.manifest()).isEmpty();
        assertThat(m.encoder().tensors()).hasSize(18);
        assertThat(m.decoder()).isPresent();
        assertThat(m.decoder().get().shapes()).containsEntry("network.2.weight", List.of(300, 64));
        Tensor counter = m.encoder().require("network.0.2.num_batches_tracked", "test");
        assertThat(counter.dtype()).isEqualTo(Tensor.DType.I64);
        assertThat(counter.shape()).isEmpty();
        assertThat(counter.longs().get(0)).isEqualTo(1234L);
    }

    @Test
    void readsStridedAndOffsetTensorsAsPyTorchSeesThem() throws IOException {
        StateDict d = TorchCheckpoint.readStateDict(ModelFixtures.resource("views.ckpt"));
        var expected = new ObjectMapper()
                .readTree(ModelFixtures.resource("views_expected.json").toFile());

        for (String name : List.of("transposed", "sliced")) {
            Tensor t = d.require(name, "views");
            float[] want = new float[expected.get(name).get("values").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = expected.get(name).get("values").get(i).floatValue();
            }
            assertThat(t.toFloatArray()).as(name).containsExactly(want);
            assertThat(t.shape()).as(name).containsExactly(new int[] {
                expected.get(name).get("shape").get(0).intValue(),
                expected.get(name).get("shape").get(1).intValue()
            });
        }
        assertThat(d.require("counter", "views").longs().get(0)).isEqualTo(42L);
    }

    @Test
    void rejectsFloat64TensorsNamingTheStorageType() {
        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(ModelFixtures.resource("float64.ckpt")))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("float64.ckpt")
                .hasMessageContaining("torch.DoubleStorage is not supported");
    }

    @Test
    void rejectsFolderWithoutGeneOrder() throws IOException {
        Path dir = ModelFixtures.copyOfFolder(tmp);
        Files.delete(dir.resolve("gene_order.tsv"));

        assertThatThrownBy(() -> ModelFolder.load(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("gene_order.tsv is missing");
    }

    @Test
    void rejectsFolderWithoutEncoderCheckpoint() throws IOException {
        Path dir = ModelFixtures.copyOfFolder(tmp);
        Files.delete(dir.resolve("encoder.ckpt"));

        assertThatThrownBy(() -> ModelFolder.load(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("neither manifest.json")
                .hasMessageContaining("encoder.ckpt");
    }

    @Test
    void rejectsGeneOrderWhoseLengthDiffersFromTheFirstLayer() throws IOException {
        Path dir = ModelFixtures.copyOfFolder(tmp);
        List<String> genes = Files.readAllLines(dir.resolve("gene_order.tsv"));
        Files.write(dir.resolve("gene_order.tsv"), genes.subList(0, 299));

        assertThatThrownBy(() -> ModelFolder.load(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("takes 300 genes but gene_order.tsv lists 299");
    }

    @Test
    void rejectsDuplicateGenesInTheGeneOrder() throws IOException {
        Path dir = ModelFixtures.copyOfFolder(tmp);
        List<String> genes = new ArrayList<>(Files.readAllLines(dir.resolve("gene_order.tsv")));
        genes.set(10, "CD3E");
        Files.write(dir.resolve("gene_order.tsv"), genes);

        assertThatThrownBy(() -> ModelFolder.load(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("gene CD3E appears on lines 1 and 11");
    }

    @Test
    void rejectsLayerSizesThatDisagreeWithTheCheckpoint() throws IOException {
        Path dir = ModelFixtures.copyOfFolder(tmp);
        String sizes = Files.readString(dir.resolve("layer_sizes.json"));
        Files.writeString(
                dir.resolve("layer_sizes.json"),
                sizes.replace("\"network.1.1.weight\": [32, 64]", "\"network.1.1.weight\": [32, 65]"));

        assertThatThrownBy(() -> ModelFolder.load(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("layer_sizes.json");
    }

    @Test
    void rejectsCheckpointWhoseShapesDisagreeWithLayerSizes() throws IOException {
        Path dir = ModelFixtures.copyOfFolder(tmp);
        // A consistent layer_sizes.json for hidden [64, 31]: the checkpoint still has 32.
        String sizes = Files.readString(dir.resolve("layer_sizes.json"))
                .replace("[32, 64]", "[31, 64]")
                .replace("[32]", "[31]")
                .replace("[16, 32]", "[16, 31]");
        Files.writeString(dir.resolve("layer_sizes.json"), sizes);

        assertThatThrownBy(() -> ModelFolder.load(dir))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("encoder.ckpt: tensor network.1.1.weight has shape [32, 64]")
                .hasMessageContaining("imply [31, 64]");
    }

    @Test
    void rejectsPickleWithUnsupportedOpcodeNamingOpcodeAndFile() throws IOException {
        // PROTO 2, then INST ('i'), which torch.save never writes.
        Path ckpt = checkpointWithPickle(new byte[] {(byte) 0x80, 2, 'i', 'o', 's', '\n'});

        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(ckpt))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("evil.ckpt:archive/data.pkl")
                .hasMessageContaining("unsupported pickle opcode 0x69 ('i')")
                .hasMessageContaining("at byte 2");
    }

    @Test
    void refusesGlobalsOutsideTheStateDictWhitelist() throws IOException {
        byte[] pkl = "\u0080\u0002cos\nsystem\n".getBytes(StandardCharsets.ISO_8859_1);
        Path ckpt = checkpointWithPickle(pkl);

        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(ckpt))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("refuses global os.system");
    }

    @Test
    void rejectsTruncatedPickle() throws IOException {
        Path ckpt = checkpointWithPickle(new byte[] {(byte) 0x80, 2, '}', 'X', 10, 0});

        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(ckpt))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsLegacyNonZipCheckpoint() throws IOException {
        Path ckpt = tmp.resolve("legacy.ckpt");
        Files.write(ckpt, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});

        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(ckpt))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("not a zip archive");
    }

    private Path checkpointWithPickle(byte[] pkl) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pkl);
            zip.closeEntry();
        }
        Path ckpt = tmp.resolve("evil.ckpt");
        Files.write(ckpt, bytes.toByteArray());
        return ckpt;
    }
}
