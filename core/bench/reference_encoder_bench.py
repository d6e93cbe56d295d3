#!/usr/bin/python3
"""Reference throughput of SCimilarity's encoder in PyTorch, for the side-by-side with
EncoderThroughputBenchmark (JMH). Same architecture (28,231 genes, hidden 1024-1024, latent 128,
random weights), same-shaped input (realistic sparse lognorm cells, ~2,000 detected genes each,
genes detected with skewed frequencies), embedded as SCimilarity's CellEmbedding.get_embeddings
does: per batch, densify the CSR rows (X[i:i+n].toarray()), torch.Tensor, model(profiles), in eval
mode under torch.inference_mode().

Run with Debian's torch on OpenBLAS (apt-get install python3-torch libopenblas0-pthread):
    /usr/bin/python3 core/bench/reference_encoder_bench.py [--cells 4096] [--batch 256 1024 4096]
        [--threads 1 2] [--repeats 3]
It prints the BLAS torch was built against (torch.__config__.show()) and the library
libblas.so.3 resolves to, then cells/s per (threads, batch size): the best of --repeats runs, and
cells per CPU-second of this process (comparable across runs on a CPU shared with other work).
"""

import argparse
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "python"))
from make_model_fixtures import Encoder  # noqa: E402  (SCimilarity's class, copied there verbatim)

N_GENES = 28231
HIDDEN = [1024, 1024]
LATENT = 128


def lognorm_cells(cells: int, genes: int, detected: int, seed: int) -> sp.csr_matrix:
    """Same recipe as SyntheticEncoderInputs.lognormCells (Java): detection probability
    ~ 1 / (1 + rank / 400) scaled to `detected` genes per cell (capped at 0.95), popular genes
    spread over the gene order, geometric counts, log1p(count / library * 1e4)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / (1.0 + np.arange(genes) / 400.0)
    c = detected / p.sum()
    for _ in range(20):
        c *= detected / np.minimum(0.95, c * p).sum()
    by_column = np.empty(genes)
    by_column[rng.permutation(genes)] = np.minimum(0.95, c * p)
    mask = rng.random((cells, genes)) < by_column
    counts = rng.geometric(0.55, size=(cells, genes)) * mask
    lib = counts.sum(axis=1, keepdims=True)
    x = np.log1p(counts / np.maximum(lib, 1) * 1e4).astype(np.float32)
    return sp.csr_matrix(x)


def blas_in_use() -> str:
    return os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=4096)
    ap.add_argument("--detected", type=int, default=2000)
    ap.add_argument("--batch", type=int, nargs="+", default=[256, 1024, 4096])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    print(torch.__config__.show())
    print("libblas.so.3 ->", blas_in_use())
    torch.manual_seed(42)
    model = Encoder(N_GENES, latent_dim=LATENT, hidden_dim=HIDDEN)
    model.eval()
    X = lognorm_cells(args.cells, N_GENES, args.detected, 7)
    print("cells %d, mean detected genes %.0f" % (X.shape[0], X.nnz / X.shape[0]))

    for threads in args.threads:
        torch.set_num_threads(threads)
        for batch in args.batch:
            best = 0.0
            best_cpu = 0.0
            for _ in range(args.repeats):
                start = time.perf_counter()
                cpu_start = time.process_time()
                with torch.inference_mode():
                    parts = []
                    for i in range(0, X.shape[0], batch):
                        profiles = torch.Tensor(X[i : i + batch].toarray())
                        parts.append(model(profiles))
                    torch.vstack(parts).numpy()
                best = max(best, X.shape[0] / (time.perf_counter() - start))
                best_cpu = max(best_cpu, X.shape[0] / (time.process_time() - cpu_start))
            print(
                "reference torch %s  threads=%d batch=%d: %.0f cells/s (%.0f cells per CPU-second)"
                % (torch.__version__, threads, batch, best, best_cpu)
            )


if __name__ == "__main__":
    main()
