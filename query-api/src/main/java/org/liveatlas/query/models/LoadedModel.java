package org.liveatlas.query.models;

import java.util.concurrent.atomic.AtomicInteger;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;

/**
 * A model version ready to embed, shared by concurrent requests. The registry holds one lease while the
 * version serves and each request holds one while it embeds; the encoder is closed when the last lease
 * is returned, so a swap never closes a model under a running request.
 */
public final class LoadedModel {
    private final Manifest manifest;
    private final ModelFolder folder;
    private final ScimilarityEncoder encoder;
    private final AtomicInteger leases = new AtomicInteger(1);

    LoadedModel(Manifest manifest, ModelFolder folder, ScimilarityEncoder encoder) {
        this.manifest = manifest;
        this.folder = folder;
        this.encoder = encoder;
    }

    public Manifest manifest() {
        return manifest;
    }

    public ModelFolder folder() {
        return folder;
    }

    /** The encoder (thread-safe); only to be used while a lease is held. */
    public ScimilarityEncoder encoder() {
        return encoder;
    }

    public String version() {
        return manifest.version();
    }

    /** Takes a lease unless the model has already been closed. */
    boolean tryAcquire() {
        while (true) {
            int n = leases.get();
            if (n == 0) {
                return false;
            }
            if (leases.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Returns a lease; the last one closes the encoder. */
    void release() {
        if (leases.decrementAndGet() == 0) {
            encoder.close();
        }
    }

    /** A request's hold on a model; closing it returns the lease. */
    public static final class Lease implements AutoCloseable {
        private final LoadedModel model;
        private final String index;
        private boolean closed;

        Lease(LoadedModel model, String index) {
            this.model = model;
            this.index = index;
        }

        public LoadedModel model() {
            return model;
        }

        /**
         * The concrete cells index built with this model, which searches with its embeddings must use (the
         * alias may already point at a newer model's index), or empty to search the configured alias.
         */
        public java.util.Optional<String> index() {
            return java.util.Optional.ofNullable(index);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                model.release();
            }
        }
    }
}
