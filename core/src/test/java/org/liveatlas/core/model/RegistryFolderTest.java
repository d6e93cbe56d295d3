package org.liveatlas.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryFolderTest {

    @TempDir
    Path tmp;

    private static Manifest manifest() {
        return new Manifest(
                Manifest.FORMAT_VERSION,
                "v2",
                "v1",
                Instant.parse("2026-11-25T12:00:00Z"),
                Map.of("lr", 0.005, "hidden_dim", List.of(64, 32)),
                Map.of("asw", 0.61),
                0.12,
                ModelStatus.CANDIDATE,
                null);
    }

    @Test
    void savedRegistryFolderLoadsBackWithIdenticalTensorsGenesLabelsAndManifest() {
        ModelFolder imported = ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder());
        Path dir = tmp.resolve("v2");

        imported.save(dir, manifest());
        ModelFolder loaded = ModelFolder.load(dir);

        assertThat(loaded.format()).isEqualTo(ModelFolder.Format.REGISTRY);
        assertThat(loaded.encoder()).isEqualTo(imported.encoder());
        assertThat(loaded.decoder()).isEqualTo(imported.decoder());
        assertThat(loaded.geneOrder()).isEqualTo(imported.geneOrder());
        assertThat(loaded.labels()).isEqualTo(imported.labels());
        assertThat(loaded.architecture()).isEqualTo(imported.architecture());
        assertThat(loaded.manifest()).contains(manifest());
        assertThat(dir.resolve("encoder.safetensors")).exists();
        assertThat(dir.resolve("decoder.safetensors")).exists();
    }

    @Test
    void weightsFileIsStandardSafetensors() throws IOException {
        ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder()).save(tmp, manifest());

        byte[] bytes = Files.readAllBytes(tmp.resolve("encoder.safetensors"));
        long headerLen =
                ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header)
                .contains("\"network.0.1.weight\":{\"dtype\":\"F32\",\"shape\":[64,300],\"data_offsets\":[0,76800]}")
                .contains("\"network.0.2.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]");
        assertThat(headerLen % 8).isZero();
    }

    @Test
    void manifestToleratesUnknownFields() throws IOException {
        ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder()).save(tmp, manifest());
        String json = Files.readString(tmp.resolve("manifest.json"));
        Files.writeString(tmp.resolve("manifest.json"), json.replaceFirst("\\{", "{\"added_later\": {\"x\": 1},"));

        assertThat(ModelFolder.load(tmp).manifest()).contains(manifest());
    }

    @Test
    void manifestWithoutVersionIsRejected() throws IOException {
        ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder()).save(tmp, manifest());
        String json = Files.readString(tmp.resolve("manifest.json"));
        Files.writeString(tmp.resolve("manifest.json"), json.replace("\"version\" : \"v2\",", ""));

        assertThatThrownBy(() -> ModelFolder.load(tmp))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("manifest.json")
                .hasMessageContaining("version is required");
    }

    @Test
    void registryFolderWithoutWeightsIsRejected() throws IOException {
        ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder()).save(tmp, manifest());
        Files.delete(tmp.resolve("encoder.safetensors"));

        assertThatThrownBy(() -> ModelFolder.load(tmp))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("encoder.safetensors is missing");
    }

    @Test
    void truncatedSafetensorsIsRejected() throws IOException {
        ModelFolder.importScimilarity(ModelFixtures.scimilarityFolder()).save(tmp, manifest());
        Path w = tmp.resolve("encoder.safetensors");
        byte[] bytes = Files.readAllBytes(w);
        Files.write(w, Arrays.copyOf(bytes, bytes.length - 100));

        assertThatThrownBy(() -> ModelFolder.load(tmp))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("encoder.safetensors");
    }
}
