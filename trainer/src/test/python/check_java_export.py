#!/usr/bin/python3
"""Golden fixture proving that SCimilarity's Python side loads a model folder exported from Java.

Reads trainer/src/test/resources/export/java_exported/ (written by the Java class
org.liveatlas.trainer.export.ExportFixture through ScimilarityExport), loads encoder.ckpt and
decoder.ckpt with torch.load() exactly as SCimilarity's Encoder/Decoder.load_state does
(model.load_state_dict(torch.load(f)["state_dict"]), strict), sizes the networks from
layer_sizes.json as SCimilarity's CellEmbedding does, checks gene_order.tsv and label_ints.csv, and
writes the embeddings PyTorch computes in eval mode for a fixed log-normalised input to
trainer/src/test/resources/export/java_exported_golden.json, which ScimilarityExportTest compares
with the Java encoder's output.

Run from the repository root with Debian's python3-torch:
    /usr/bin/python3 trainer/src/test/python/check_java_export.py
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



def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "export")
    folder = os.path.join(root, "java_exported")
    with open(os.path.join(folder, "layer_sizes.json")) as f:
        layer_sizes = json.load(f)
    # as scimilarity.cell_embedding.CellEmbedding sizes its encoder
    n_genes = layer_sizes["network.0.1.weight"][1]
    hidden = []
    i = 0
    while "network.%d.1.weight" % i in layer_sizes:
        hidden.append(layer_sizes["network.%d.1.weight" % i][0])
        i += 1
    latent = layer_sizes["network.%d.weight" % i][0]
    with open(os.path.join(folder, "gene_order.tsv")) as f:
        genes = [line.strip() for line in f]
    assert len(genes) == n_genes, (len(genes), n_genes)
    with open(os.path.join(folder, "label_ints.csv"), newline="") as f:
        rows = list(csv.reader(f))
    labels = {int(r[0]): r[1] for r in rows[1:]}

    encoder = Encoder(n_genes, latent_dim=latent, hidden_dim=hidden)
    encoder.load_state_dict(torch.load(os.path.join(folder, "encoder.ckpt"))["state_dict"])
    decoder = Decoder(n_genes, latent_dim=latent, hidden_dim=list(reversed(hidden)))
    decoder.load_state_dict(torch.load(os.path.join(folder, "decoder.ckpt"))["state_dict"])
    encoder.eval()
    decoder.eval()

    rng = np.random.default_rng(11)
    counts = rng.negative_binomial(1, 0.3, size=(20, n_genes)).astype(np.float64)
    counts *= rng.random((20, n_genes)) < 0.3
    counts[:, 0] += 1
    x = np.log1p(counts / counts.sum(axis=1, keepdims=True) * 1e4).astype(np.float32)
    with torch.inference_mode():
        z = encoder(torch.from_numpy(x))
        x_hat = decoder(z)
    golden = {
        "comment": "generated by trainer/src/test/python/check_java_export.py; torch " + torch.__version__,
        "architecture": {"n_genes": n_genes, "hidden": hidden, "latent": latent},
        "genes_head": genes[:3],
        "labels": labels,
        "decoder_loaded": bool(np.isfinite(x_hat.numpy()).all()),
        "input_dense": [[float(v) for v in row] for row in x],
        "expected_embeddings": [[float(v) for v in row] for row in z.numpy()],
    }
    with open(os.path.join(root, "java_exported_golden.json"), "w") as f:
        json.dump(golden, f)
    print("loaded encoder %s -> %d, %d cells embedded; labels %s" % (hidden, latent, len(x), labels))


if __name__ == "__main__":
    main()
