package org.liveatlas.core.encoder;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.liveatlas.core.AtlasException;

/**
 * Starts DJL's PyTorch engine fully offline: the native library comes from the {@code
 * pytorch-native-cpu} jar on the classpath and is never downloaded.
 */
public final class PyTorchRuntime {

    public static final String ENGINE = "PyTorch";

    private PyTorchRuntime() {}

    /** The PyTorch engine, with {@code ai.djl.offline=true} set first unless the caller set it. */
    public static synchronized Engine engine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException e) {
            throw new AtlasException(
                    "cannot start DJL's PyTorch engine offline: " + e.getMessage()
                            + "; ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64) must be on the classpath"
                            + " and DJL_CACHE_DIR (default ~/.djl.ai) writable or pre-extracted",
                    e);
        }
    }

    /** The device for {@code option}: see {@link DeviceOption}. */
    public static Device device(DeviceOption option) {
        int gpus = engine().getGpuCount();
        return switch (option) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new AtlasException("device 'gpu' requested but PyTorch sees no CUDA GPU; put a CUDA build"
                            + " of pytorch-native (pytorch-native-cu*) on the classpath on a machine with a GPU, or"
                            + " use device 'auto' or 'cpu'");
                }
                yield Device.gpu(0);
            }
        };
    }
}
