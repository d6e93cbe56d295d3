#!/usr/bin/python3
"""Golden fixtures for SCimilarity's centroid search and gene-signature cell selection.

SCimilarity (https://github.com/Genentech/scimilarity, commit 3ce3ec8) searches a set of query cells
as one profile:

  * src/scimilarity/cell_query.py, CellQuery.search_centroid_nearest: takes the marked cells'
    layers["counts"] (after utils.align_dataset to the model's gene order), builds
    utils.get_centroid(counts) and embeds that single profile with get_embeddings; the query
    coherence is computed from the embeddings of the marked cells themselves.
  * src/scimilarity/utils.py, get_centroid: sum the raw counts of the cells per gene, divide by the
    total of all those counts, times 1e4, then log(1 + x): lognorm_counts applied to the summed
    profile as if it were one cell.
  * src/scimilarity/utils.py, align_dataset: keeps the genes of the model's gene order, in that
    order, genes the data lacks are zero; lognorm_counts then scales each cell's total over those
    genes to 1e4 (scanpy normalize_total) and takes log1p.
  * docs/notebooks/cell_search_tutorial_2.ipynb ("Search using centroids and gene signatures") and
    advanced_tutorial.ipynb: the cells of a signature are chosen with scanpy's
    sc.tl.score_genes(adata, signature) on the aligned, lognormed data (defaults ctrl_size=50,
    n_bins=25, random_state=0), then threshold = adata.obs[score].quantile(0.999) and the cells
    with score >= threshold are marked for search_centroid_nearest.

This script re-implements those steps with numpy/pandas/torch (scanpy itself is not a Debian
package): score_genes follows scanpy's tools/_score_genes.py (score_genes, _score_genes_bins,
_sparse_nanmean), drawing control genes through numpy's global legacy RandomState and pandas'
Series.sample exactly as scanpy does, so the fixture pins numpy's Mersenne-Twister stream too.
The embedding uses the encoder fixture written by make_model_fixtures.py.

Run from the repository root with Debian's python3-torch, python3-numpy, python3-pandas:
    /usr/bin/python3 core/src/test/python/make_centroid_fixtures.py
Output: core/src/test/resources/search/scimilarity_centroid_golden.json
"""

import json
import os
import sys

import numpy as np
import pandas as pd
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_model_fixtures import HIDDEN, LATENT, Encoder  # noqa: E402

RESOURCES = os.path.join(HERE, "..", "resources")
MODEL = os.path.join(RESOURCES, "model", "scimilarity_small")


def lognorm(counts: np.ndarray) -> np.ndarray:
    """lognorm_counts on aligned float32 counts: scanpy normalize_total(target_sum=1e4) + log1p,
    in scanpy's float32 order (factor = total / 1e4, x * (1 / factor)); an empty cell stays zero."""
    x = counts.astype(np.float32)
    total = x.sum(axis=1, dtype=np.float64).astype(np.float32)
    factor = total / np.float32(1e4)
    factor[factor == 0] = 1
    return np.log1p(x * (np.float32(1) / factor)[:, None]).astype(np.float32)


def get_centroid(counts: np.ndarray) -> np.ndarray:
    """utils.get_centroid: log(1 + 1e4 * colsum / total) over the cells' raw (aligned) counts."""
    sum_counts = counts.sum(axis=0, dtype=np.float64)[None, :]
    normalization_factor = counts.sum(dtype=np.float64)
    return np.log(1 + 1e4 * sum_counts / normalization_factor)


def align(counts: np.ndarray, data_genes: list, model_genes: list) -> np.ndarray:
    """utils.align_dataset: columns in the model's gene order, genes missing from the data zero."""
    col = {g: i for i, g in enumerate(data_genes)}
    out = np.zeros((counts.shape[0], len(model_genes)), dtype=counts.dtype)
    for j, g in enumerate(model_genes):
        if g in col:
            out[:, j] = counts[:, col[g]]
    return out


def score_genes(x: np.ndarray, var_names: list, gene_list: list, ctrl_size=50, n_bins=25, random_state=0):
    """scanpy.tl.score_genes(adata, gene_list) with ctrl_as_ref=True, gene_pool=None, on a sparse X
    (align_dataset makes X a csr_matrix): returns (scores, signature genes used, control genes)."""
    np.random.seed(random_state)
    var_index = pd.Index(var_names)
    gene_list = pd.Index(gene_list).intersection(var_index)
    gene_pool = var_index.astype("string")
    # _sparse_nanmean(axis=0): float64 column sums over the stored values / number of cells
    obs_avg = pd.Series(x.astype(np.float64).sum(axis=0) / x.shape[0], index=gene_pool)
    obs_avg = obs_avg[np.isfinite(obs_avg)]
    n_items = int(np.round(len(obs_avg) / (n_bins - 1)))
    obs_cut = obs_avg.rank(method="min") // n_items
    control_genes = pd.Index([], dtype="string")
    for cut in np.unique(obs_cut.loc[gene_list]):
        r_genes = obs_cut[obs_cut == cut].index
        if ctrl_size < len(r_genes):
            r_genes = r_genes.to_series().sample(ctrl_size).index
        r_genes = r_genes.difference(gene_list)
        control_genes = control_genes.union(r_genes)
    col = {g: i for i, g in enumerate(var_names)}
    sig_cols = [col[g] for g in gene_list]
    ctrl_cols = [col[g] for g in control_genes]
    # _sparse_nanmean(axis=1) with the subset's column count as the divisor
    means_list = x[:, sig_cols].astype(np.float64).sum(axis=1) / len(sig_cols)
    means_control = x[:, ctrl_cols].astype(np.float64).sum(axis=1) / len(ctrl_cols)
    return means_list - means_control, list(gene_list), sorted(ctrl_cols)


def embed(profile: np.ndarray) -> np.ndarray:
    """CellEmbedding.get_embeddings: float32 tensor through the encoder in eval mode."""
    with open(os.path.join(MODEL, "gene_order.tsv")) as f:
        n_genes = len(f.read().split())
    encoder = Encoder(n_genes, latent_dim=LATENT, hidden_dim=HIDDEN)
    encoder.load_state_dict(torch.load(os.path.join(MODEL, "encoder.ckpt"))["state_dict"])
    encoder.eval()
    with torch.inference_mode():
        return encoder(torch.from_numpy(profile.astype(np.float32))).numpy()


def sparse(m: np.ndarray) -> dict:
    indptr, indices, values = [0], [], []
    for row in m:
        nz = np.nonzero(row)[0]
        indices.extend(int(i) for i in nz)
        values.extend(float(row[i]) for i in nz)
        indptr.append(len(indices))
    return {"rows": int(m.shape[0]), "cols": int(m.shape[1]), "indptr": indptr, "indices": indices, "values": values}


def counts_matrix(rng, cells, genes, density, programme=None):
    counts = rng.negative_binomial(1, 0.3, size=(cells, genes)).astype(np.float64)
    counts *= rng.random((cells, genes)) < density
    if programme is not None:
        rows, cols, boost = programme
        counts[np.ix_(rows, cols)] += rng.poisson(boost, size=(len(rows), len(cols)))
    return counts.astype(np.float32)


def centroid_case(rng):
    with open(os.path.join(MODEL, "gene_order.tsv")) as f:
        model_genes = f.read().split()
    # The upload: 240 of the model's 300 genes in another order plus 15 genes the model lacks, so
    # alignment drops, reorders and zero-fills; 60 model genes are absent (all-zero after alignment,
    # a tied expression bin of 60 > ctrl_size genes, so score_genes samples its controls there).
    present = [model_genes[i] for i in rng.permutation(240)]
    data_genes = present + ["EXTRA%02d" % i for i in range(15)]
    n_cells = 36
    signature = ["CD3E", "NKG7", "GENE010", "GENE120", "GENE250", "NOT_A_GENE"]
    col = {g: i for i, g in enumerate(data_genes)}
    hot = [col[g] for g in signature if g in col]
    counts = counts_matrix(rng, n_cells, len(data_genes), 0.15, (list(range(4, 12)), hot, 6.0))
    counts[5, :] = 0  # an empty cell (kept, scored 0 - 0, as SCimilarity keeps it)
    cell_ids = ["cell%02d" % i for i in range(n_cells)]

    aligned = align(counts, data_genes, model_genes)
    x = lognorm(aligned)
    scores, used, control = score_genes(x, model_genes, signature)
    quantile = 0.75
    threshold = pd.Series(scores).quantile(quantile)
    selected = [i for i in range(n_cells) if scores[i] >= threshold]

    query = list(range(8, 20))  # an explicit set of query cells (the API's `cells`)
    centroid_query = get_centroid(aligned[query])
    centroid_selected = get_centroid(aligned[selected])
    return {
        "model_genes": len(model_genes),
        "data_genes": data_genes,
        "cell_ids": cell_ids,
        "counts": sparse(counts),
        "query_cells": [cell_ids[i] for i in query],
        "query_summed_counts": [float(v) for v in aligned[query].sum(axis=0, dtype=np.float64)],
        "query_profile": [float(v) for v in centroid_query[0]],
        "query_embedding": [float(v) for v in embed(centroid_query)[0]],
        "signature": signature,
        "signature_genes_used": used,
        "signature_control_columns": control,
        "signature_scores": [float(s) for s in scores],
        "quantile": quantile,
        "threshold": float(threshold),
        "selected_cells": [cell_ids[i] for i in selected],
        "selected_profile": [float(v) for v in centroid_selected[0]],
        "selected_embedding": [float(v) for v in embed(centroid_selected)[0]],
    }


def wide_scoring_case(rng):
    """score_genes over 2,400 genes: bins of 100 genes, so controls are drawn from several bins."""
    genes = ["G%04d" % i for i in range(2400)]
    signature = ["G0003", "G0500", "G0777", "G1200", "G1999", "G2399", "G0004"]
    # two signature genes carry a programme in ten cells; the others sit in bins across the range
    counts = counts_matrix(rng, 50, len(genes), 0.1, (list(range(0, 10)), [3, 500], 4.0))
    x = lognorm(counts)
    scores, used, control = score_genes(x, genes, signature)
    threshold = pd.Series(scores).quantile(0.999)
    return {
        "genes": genes,
        "counts": sparse(counts),
        "signature": signature,
        "signature_genes_used": used,
        "signature_control_columns": control,
        "signature_scores": [float(s) for s in scores],
        "threshold_0999": float(threshold),
        "selected_0999": [i for i in range(len(scores)) if scores[i] >= threshold],
    }


def main():
    rng = np.random.default_rng(20240614)
    golden = {
        "comment": "generated by core/src/test/python/make_centroid_fixtures.py; numpy " + np.__version__
        + ", pandas " + pd.__version__ + ", torch " + torch.__version__,
        "centroid": centroid_case(rng),
        "wide_scoring": wide_scoring_case(rng),
    }
    out = os.path.join(RESOURCES, "search")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "scimilarity_centroid_golden.json"), "w") as f:
        json.dump(golden, f)
    c = golden["centroid"]
    w = golden["wide_scoring"]
    print("centroid: %d selected, %d controls; wide: %d controls, %d selected"
          % (len(c["selected_cells"]), len(c["signature_control_columns"]),
             len(w["signature_control_columns"]), len(w["selected_0999"])))


if __name__ == "__main__":
    main()
