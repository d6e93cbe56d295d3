package org.liveatlas.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderOptionsTest {

    @Test
    void defaultsAreAutoDeviceAutoFirstLayerAndBatchesOf1024() {
        EncoderOptions o = EncoderOptions.defaults();
        assertThat(o.device()).isEqualTo(DeviceOption.AUTO);
        assertThat(o.firstLayer()).isEqualTo(FirstLayer.AUTO);
        assertThat(o.batchSize()).isEqualTo(1024);
        assertThat(o.sparseMaxDensity()).isEqualTo(0.2);
        assertThat(o.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(o.torchThreads()).isEqualTo(1);
    }

    @Test
    void threadsAndTorchThreadsAreSetIndependently() {
        EncoderOptions o = EncoderOptions.defaults().withThreads(3).withTorchThreads(2);
        assertThat(o.threads()).isEqualTo(3);
        assertThat(o.torchThreads()).isEqualTo(2);
        assertThat(o.withThreads(1).torchThreads()).isEqualTo(2);
    }

    @Test
    void rejectsNonPositiveBatchSizeAndThreads() {
        assertThatThrownBy(() -> EncoderOptions.defaults().withBatchSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> EncoderOptions.defaults().withThreads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads and torchThreads must be >= 1");
    }

    @Test
    void rejectsDensityThresholdOutsideUnitInterval() {
        assertThatThrownBy(() -> EncoderOptions.defaults().withSparseMaxDensity(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sparseMaxDensity must be in [0, 1], got 1.5");
    }
}
