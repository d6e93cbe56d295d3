#!/usr/bin/python3
"""PyTorch reference for the trainer's throughput benchmark (TrainingThroughputBenchmark).

Same architecture as SCimilarity's MetricLearning (Encoder: Dropout -> Linear -> BatchNorm1d -> PReLU per
hidden layer, Linear to latent, L2 normalisation; mirrored Decoder), same batch size, AdamW(lr 5e-3,
wd 0.01), loss w * triplet + (1 - w) * MSE + L1 on the latent Linear (the layer SCimilarity's L1 loop
reaches, as the trainer), on random sparse lognorm-like input
(about 7% non-zero, as real data over SCimilarity's gene order). Triplets are mined per batch with the
same semi-hard rule on the detached embeddings (numpy), as SCimilarity does on the CPU.

Usage: /usr/bin/python3 train_throughput_reference.py [genes] [hidden,hidden] [latent] [batch] [steps] [threads]
Prints cells/s over the timed steps (after 3 warm-up steps).
"""
import sys
import time
from itertools import combinations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

genes = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
hidden = [int(h) for h in (sys.argv[2] if len(sys.argv) > 2 else "256,128").split(",")]
latent = int(sys.argv[3]) if len(sys.argv) > 3 else 64
batch = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
steps = int(sys.argv[5]) if len(sys.argv) > 5 else 10
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
rng = np.random.default_rng(0)


def block(i, o, dropout):
    layers = [nn.Dropout(dropout)] if dropout is not None else []
    return nn.Sequential(*layers, nn.Linear(i, o), nn.BatchNorm1d(o), nn.PReLU())


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        widths = [genes] + hidden
        mods = [block(widths[i], widths[i + 1], 0.4 if i == 0 else 0.5) for i in range(len(hidden))]
        mods.append(nn.Linear(hidden[-1], latent))
        self.network = nn.ModuleList(mods)

    def forward(self, x):
        for m in self.network:
            x = m(x)
        return F.normalize(x, p=2, dim=1)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        rev = list(reversed(hidden))
        widths = [latent] + rev
        mods = [block(widths[i], widths[i + 1], None if i == 0 else 0.5) for i in range(len(rev))]
        mods.append(nn.Linear(rev[-1], genes))
        self.network = nn.ModuleList(mods)

    def forward(self, x):
        for m in self.network:
            x = m(x)
        return x


enc, dec = Encoder(), Decoder()
opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()), 5e-3, weight_decay=0.01)
labels = rng.integers(0, 8, size=batch)
studies = rng.integers(0, 3, size=batch)


def mine(z, margin=0.05):
    sq = (z ** 2).sum(1)
    d = -2 * z @ z.T + sq[None, :] + sq[:, None]
    out = []
    for lab in set(labels.tolist()):
        idx = np.where(labels == lab)[0]
        neg = np.where(labels != lab)[0]
        for a, p in combinations(idx, 2):
            if studies[a] == studies[p]:
                continue
            lv = d[a, p] - d[a, neg] + margin
            c = np.where((lv > 0) & (lv < margin))[0]
            if len(c):
                out.append((a, p, neg[rng.choice(c)]))
    return out or [(0, 0, 0)]


def make_batch():
    x = np.zeros((batch, genes), dtype=np.float32)
    nnz = int(genes * 0.07)
    for r in range(batch):
        cols = rng.choice(genes, nnz, replace=False)
        x[r, cols] = np.log1p(rng.gamma(1.0, 3.0, nnz)).astype(np.float32)
    return torch.from_numpy(x)


batches = [make_batch() for _ in range(4)]
times = []
for s in range(steps + 3):
    x = batches[s % len(batches)]
    t0 = time.perf_counter()
    z = enc(x)
    xh = dec(z)
    t = mine(z.detach().numpy())
    a, p, n = (list(c) for c in zip(*t))
    trip = F.triplet_margin_loss(z[a], z[p], z[n], margin=0.05, p=2, eps=1e-6)
    mse = F.mse_loss(x, xh)
    l1 = 1e-4 * 5e-3 * sum(q.abs().sum() for q in enc.network[-1].parameters())
    loss = 0.001 * trip + 0.999 * mse + l1
    opt.zero_grad()
    loss.backward()
    opt.step()
    if s >= 3:
        times.append(time.perf_counter() - t0)
print(f"pytorch {torch.__version__}: genes {genes} hidden {hidden} latent {latent} batch {batch} threads {threads}:"
      f" {batch * len(times) / sum(times):.0f} cells/s over {len(times)} steps")
