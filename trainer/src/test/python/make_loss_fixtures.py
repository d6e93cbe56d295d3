#!/usr/bin/python3
"""Golden fixtures for the trainer's loss and miner, from PyTorch (Debian python3-torch).

Writes trainer/src/test/resources/loss/loss_fixture.json:
  * a small batch (embeddings, input, reconstruction, first-layer weights) and triplets, with the
    loss parts SCimilarity's MetricLearning computes (torch.nn.functional.triplet_margin_loss with
    p=2, eps=1e-6; nn.MSELoss; w = 0.001; L1 = 1e-4 * lr * sum |first Linear params|), for both the
    Euclidean (SCimilarity's code) and the squared-Euclidean triplet distance, and the gradients of
    the total loss with respect to the embeddings, the reconstruction and the first-layer weight;
  * a miner case: SCimilarity's TripletSelector.get_triplets_idx with negative_selection="hardest"
    and sample_across_studies=True (transcribed below without the ontology, i.e. label equality),
    on a random batch, with the expected triplets and hard/viable counts.

Run from the repository root:  /usr/bin/python3 trainer/src/test/python/make_loss_fixtures.py
"""
import json
import os
from itertools import combinations

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "loss", "loss_fixture.json")
torch.manual_seed(7)
rng = np.random.default_rng(7)

n, dim, genes, hidden = 12, 4, 6, 3
W_TRIPLET, MARGIN, L1, LR = 0.001, 0.05, 1e-4, 0.005


def r(t):
    return [round(float(v), 9) for v in t.reshape(-1).tolist()]


emb0 = torch.randn(n, dim, dtype=torch.float64)
emb0 = F.normalize(emb0, p=2, dim=1).float()
x = torch.rand(n, genes) * 3
recon0 = x + 0.3 * torch.randn(n, genes)
w0 = torch.randn(hidden, genes) * 0.2
b0 = torch.randn(hidden) * 0.1
triplets = [[0, 1, 5], [2, 3, 7], [4, 6, 0], [8, 9, 10], [11, 1, 2], [3, 5, 9]]
ai, pi, ni = (list(c) for c in zip(*triplets))

cases = {}
for name in ["EUCLIDEAN", "SQUARED_EUCLIDEAN"]:
    emb = emb0.clone().requires_grad_(True)
    recon = recon0.clone().requires_grad_(True)
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    a, p, ng = emb[ai], emb[pi], emb[ni]
    if name == "EUCLIDEAN":
        per = F.triplet_margin_loss(a, p, ng, margin=MARGIN, p=2, eps=1e-6, reduction="none")
    else:
        per = torch.clamp(((a - p) ** 2).sum(1) - ((a - ng) ** 2).sum(1) + MARGIN, min=0)
    trip = per.mean()
    mse = torch.nn.MSELoss()(x, recon)
    mixed = W_TRIPLET * trip + (1 - W_TRIPLET) * mse
    l1 = L1 * (w.abs().sum() + b.abs().sum()) * LR
    total = mixed + l1
    total.backward()
    cases[name] = {
        "per_triplet": r(per.detach()),
        "triplet": float(trip),
        "mse": float(mse),
        "mixed": float(mixed),
        "l1": float(l1),
        "total": float(total),
        "grad_embeddings": r(emb.grad),
        "grad_reconstruction": r(recon.grad),
        "grad_first_weight": r(w.grad),
    }

# --- miner: SCimilarity's get_triplets_idx, hardest, across studies, labels by equality ---
m = 30
memb = rng.normal(size=(m, 3))
labels = rng.integers(0, 3, size=m)
studies = rng.integers(0, 2, size=m)
sq = (memb ** 2).sum(axis=1)
dist = -2 * memb @ memb.T + sq.reshape(1, -1) + sq.reshape(-1, 1)
mined, hard, viable = [], 0, 0
for label in sorted(set(labels.tolist())):
    mask = labels == label
    idx = np.where(mask)[0]
    if len(idx) < 2:
        continue
    neg = np.where(np.logical_not(mask))[0]
    pairs = [(a_, p_) for a_, p_ in combinations(idx, 2) if studies[a_] != studies[p_]]
    for a_, p_ in pairs:
        lv = dist[a_, p_] - dist[[a_], neg] + MARGIN
        hard += int((lv > 0).sum())
        viable += int(lv.size)
        h = int(np.argmax(lv))
        if lv[h] > 0:
            mined.append([int(a_), int(p_), int(neg[h])])

fixture = {
    "n": n,
    "dim": dim,
    "genes": genes,
    "hidden": hidden,
    "triplet_weight": W_TRIPLET,
    "margin": MARGIN,
    "l1": L1,
    "lr": LR,
    "embeddings": r(emb0),
    "input": r(x),
    "reconstruction": r(recon0),
    "first_weight": r(w0),
    "first_bias": r(b0),
    "triplets": triplets,
    "cases": cases,
    "miner": {
        "n": m,
        "dim": 3,
        "embeddings": r(torch.from_numpy(memb)),
        "labels": labels.tolist(),
        "studies": studies.tolist(),
        "hardest_triplets": mined,
        "hard": hard,
        "viable": viable,
    },
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as fh:
    json.dump(fixture, fh, indent=1)
print("wrote", os.path.normpath(OUT))
