package org.liveatlas.core.encoder;

/** Where the encoder runs. */
public enum DeviceOption {
    /** Always the CPU. */
    CPU,
    /** The first CUDA GPU; fails at start-up when PyTorch sees none. */
    GPU,
    /** The first CUDA GPU when PyTorch sees one (CUDA natives on the classpath and a driver), else the CPU. */
    AUTO
}
