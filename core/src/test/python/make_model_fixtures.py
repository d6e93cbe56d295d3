#!/usr/bin/python3
"""Golden parity fixtures for the encoder and the model-folder import.

Builds a small model with SCimilarity's own Encoder/Decoder classes, gives it random weights and
non-trivial BatchNorm running statistics and PReLU slopes, saves it exactly as SCimilarity's
MetricLearning.save_all does (encoder.ckpt and decoder.ckpt via torch.save({"state_dict": ...}),
layer_sizes.json, gene_order.tsv, label_ints.csv), and records a small log-normalised input with
the embeddings PyTorch computes in eval mode under torch.inference_mode().

Run from the repository root with Debian's python3-torch (no pip packages needed):
    /usr/bin/python3 core/src/test/python/make_model_fixtures.py
Output: core/src/test/resources/model/scimilarity_small/ (the model folder) and
        core/src/test/resources/model/scimilarity_small_golden.json (input and expected outputs).
"""

import csv
import json
import os
from typing import List

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------------------------------------
# Encoder and Decoder copied verbatim (docstrings and the save/load helpers trimmed, code of
# __init__ and forward unchanged) from SCimilarity, src/scimilarity/nn_models.py,
# https://github.com/Genentech/scimilarity (commit 3ce3ec8), licensed under the Apache License 2.0.
# ---------------------------------------------------------------------------------------------


class Encoder(nn.Module):
    def __init__(
        self,
        n_genes: int,
        latent_dim: int = 128,
        hidden_dim: List[int] = [1024, 1024],
        dropout: float = 0.5,
        input_dropout: float = 0.4,
    ):
        super().__init__()
        self.latent_dim = latent_dim
        self.network = nn.ModuleList()
        for i in range(len(hidden_dim)):
            if i == 0:  # input layer
                self.network.append(
                    nn.Sequential(
                        nn.Dropout(p=input_dropout),
                        nn.Linear(n_genes, hidden_dim[i]),
                        nn.BatchNorm1d(hidden_dim[i]),
                        nn.PReLU(),
                    )
                )
            else:  # hidden layers
                self.network.append(
                    nn.Sequential(
                        nn.Dropout(p=dropout),
                        nn.Linear(hidden_dim[i - 1], hidden_dim[i]),
                        nn.BatchNorm1d(hidden_dim[i]),
                        nn.PReLU(),
                    )
                )
        # output layer
        self.network.append(nn.Linear(hidden_dim[-1], latent_dim))

    def forward(self, x) -> torch.Tensor:
        for i, layer in enumerate(self.network):
            x = layer(x)
        return F.normalize(x, p=2, dim=1)

    def save_state(self, filename: str):
        torch.save({"state_dict": self.state_dict()}, filename)


class Decoder(nn.Module):
    def __init__(
        self,
        n_genes: int,
        latent_dim: int = 128,
        hidden_dim: List[int] = [1024, 1024],
        dropout: float = 0.5,
    ):
        super().__init__()
        self.latent_dim = latent_dim
        self.network = nn.ModuleList()
        for i in range(len(hidden_dim)):
            if i == 0:  # first hidden layer
                self.network.append(
                    nn.Sequential(
                        nn.Linear(latent_dim, hidden_dim[i]),
                        nn.BatchNorm1d(hidden_dim[i]),
                        nn.PReLU(),
                    )
                )
            else:  # other hidden layers
                self.network.append(
                    nn.Sequential(
                        nn.Dropout(p=dropout),
                        nn.Linear(hidden_dim[i - 1], hidden_dim[i]),
                        nn.BatchNorm1d(hidden_dim[i]),
                        nn.PReLU(),
                    )
                )
        # reconstruction layer
        self.network.append(nn.Linear(hidden_dim[-1], n_genes))

    def forward(self, x) -> torch.Tensor:
        for i, layer in enumerate(self.network):
            x = layer(x)
        return x

    def save_state(self, filename: str):
        torch.save({"state_dict": self.state_dict()}, filename)


# ---------------------------------------------------------------------------------------------

N_GENES = 300
HIDDEN = [64, 32]
LATENT = 16
N_CELLS = 40
N_DECODED = 4
LABELS = ["T cell", "B cell", "natural killer cell", "CD14-positive monocyte", "platelet"]


def randomise(module: nn.Module, gen: torch.Generator):
    """Random weights plus running statistics and PReLU slopes that differ from their defaults,
    so that eval-mode BatchNorm and PReLU are really exercised."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0.0, 1.0 / np.sqrt(m.in_features), generator=gen)
                m.bias.uniform_(-0.2, 0.2, generator=gen)
            elif isinstance(m, nn.BatchNorm1d):
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.3, 0.3, generator=gen)
                m.running_mean.normal_(0.0, 0.5, generator=gen)
                m.running_var.uniform_(0.3, 2.0, generator=gen)
                m.num_batches_tracked.fill_(1234)
            elif isinstance(m, nn.PReLU):
                m.weight.uniform_(0.05, 0.45, generator=gen)


def lognorm_input(rng: np.random.Generator) -> np.ndarray:
    """Counts with about 20% detected genes, scaled to 10,000 per cell, then log1p (as SCimilarity)."""
    counts = rng.negative_binomial(1, 0.3, size=(N_CELLS, N_GENES)).astype(np.float64)
    counts *= rng.random((N_CELLS, N_GENES)) < 0.08
    counts[:, 0] += 1  # no empty cell
    x = np.log1p(counts / counts.sum(axis=1, keepdims=True) * 1e4)
    return x.astype(np.float32)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "model")
    folder = os.path.join(root, "scimilarity_small")
    os.makedirs(folder, exist_ok=True)
    gen = torch.Generator().manual_seed(20240501)
    rng = np.random.default_rng(7)

    encoder = Encoder(N_GENES, latent_dim=LATENT, hidden_dim=HIDDEN)
    decoder = Decoder(N_GENES, latent_dim=LATENT, hidden_dim=list(reversed(HIDDEN)))
    randomise(encoder, gen)
    randomise(decoder, gen)

    # As MetricLearning.save_all: checkpoints, layer sizes of the encoder, gene order, labels.
    encoder.save_state(os.path.join(folder, "encoder.ckpt"))
    decoder.save_state(os.path.join(folder, "decoder.ckpt"))
    state = encoder.state_dict()
    layer_sizes = {entry: list(state[entry].size()) for entry in state}
    with open(os.path.join(folder, "layer_sizes.json"), "w") as f:
        f.write(json.dumps(layer_sizes))
    genes = ["GENE%03d" % i for i in range(N_GENES)]
    genes[:5] = ["CD3E", "MS4A1", "NKG7", "CD14", "PPBP"]
    with open(os.path.join(folder, "gene_order.tsv"), "w") as f:
        f.write("\n".join(genes))
    # pd.Series(int2label).to_csv(..., quoting=csv.QUOTE_NONNUMERIC) without pandas.
    with open(os.path.join(folder, "label_ints.csv"), "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(["", "0"])
        for i, label in enumerate(LABELS):
            w.writerow([i, label])

    x = lognorm_input(rng)
    encoder.eval()
    decoder.eval()
    with torch.inference_mode():
        z = encoder(torch.from_numpy(x))
        x_hat = decoder(z[:N_DECODED])
    golden = {
        "comment": "generated by core/src/test/python/make_model_fixtures.py; torch " + torch.__version__,
        "n_cells": N_CELLS,
        "n_genes": N_GENES,
        "input_dense": [[float(v) for v in row] for row in x],
        "expected_embeddings": [[float(v) for v in row] for row in z.numpy()],
        "decoded_cells": N_DECODED,
        "expected_decoded": [[float(v) for v in row] for row in x_hat.numpy()],
    }
    with open(os.path.join(root, "scimilarity_small_golden.json"), "w") as f:
        json.dump(golden, f)

    # Views that torch.save keeps as views: a transpose (non-contiguous strides), a slice with a
    # storage offset sharing one storage, a scalar int64, a float64 tensor the reader must refuse.
    from collections import OrderedDict

    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    views = OrderedDict()
    views["transposed"] = base.t()
    views["sliced"] = base[1:, 1:3]
    views["counter"] = torch.tensor(42, dtype=torch.int64)
    torch.save({"state_dict": views}, os.path.join(root, "views.ckpt"))
    torch.save({"state_dict": OrderedDict(w=torch.ones(2, dtype=torch.float64))}, os.path.join(root, "float64.ckpt"))
    with open(os.path.join(root, "views_expected.json"), "w") as f:
        json.dump({k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in views.items()}, f)
    print("density %.3f" % float((x > 0).mean()))


if __name__ == "__main__":
    main()
