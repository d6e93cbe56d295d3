#!/usr/bin/python3
"""Writes the demo atlas's data files from ../shared/data (fixed seed, so the output is reproducible).

  /usr/bin/python3 infra/demo/make_demo.py [SHARED_DATA_DIR]

* pbmc14k_sorted/pbmc14k_demo.h5ad: a stratified subsample of pbmc14k_sorted (PER_TYPE cells of
  each label_coarse), every gene kept (the model's gene order is broad: the genes of the reference
  studies, not one query's).
* zheng_sorted_mudan/mudan_demo.h5ad: a stratified subsample of zheng_sorted_mudan (up to
  MUDAN_PER_LABEL cells of each source label, so its effector "cytotoxic T" cells, CD8 T cells that
  pbmc14k's naive CD8 population lacks, are kept), every gene kept.
* kang_muscat/kang_muscat_demo.h5ad: a stratified subsample of kang_muscat (QUERY_PER_TYPE cells
  of each label_coarse, FCGR3A monocytes included: the type the reference lacks), every gene kept.
"""
import os
import sys

import anndata
import numpy as np
import pandas as pd
import scipy.sparse as sp

SEED = 20240101
PER_TYPE = 240
MUDAN_PER_LABEL = 100
QUERY_PER_TYPE = 120
HERE = os.path.dirname(os.path.abspath(__file__))


def shared_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    d = HERE
    while d != "/":
        if os.path.isfile(os.path.join(d, "shared", "data", "README.md")):
            return os.path.join(d, "shared", "data")
        d = os.path.dirname(d)
    sys.exit("shared/data not found above " + HERE + "; pass its path")


def stratified(obs, column, per_type, rng):
    picked = []
    for label in sorted(obs[column].astype(str).unique()):
        idx = np.flatnonzero(obs[column].astype(str).values == label)
        picked.append(np.sort(rng.choice(idx, size=min(per_type, idx.size), replace=False)))
    return picked


def clean(adata, columns):
    """Counts as float32 CSR, obs with plain string columns, var index = symbols."""
    x = sp.csr_matrix(adata.X, dtype=np.float32)
    x.sort_indices()
    obs = pd.DataFrame({c: adata.obs[c].astype(str).values for c in columns}, index=adata.obs_names.astype(str))
    var = pd.DataFrame(index=adata.var_names.astype(str))
    return anndata.AnnData(X=x, obs=obs, var=var)


def main():
    data = shared_dir()
    rng = np.random.default_rng(SEED)
    ref = anndata.read_h5ad(os.path.join(data, "pbmc14k_sorted", "pbmc14k_sorted.h5ad"))
    query = anndata.read_h5ad(os.path.join(data, "kang_muscat", "kang_muscat.h5ad"))
    shared = [g for g in ref.var_names if g in set(query.var_names)]
    print(f"genes: reference {ref.n_vars}, query {query.n_vars}, shared {len(shared)}")
    # the example file's draws come after those of the earlier 300-per-type reference, as before, so
    # that the example (and every accuracy measured on it) stays the same file
    query_rng = np.random.default_rng(SEED)
    stratified(ref.obs, "label_coarse", 300, query_rng)

    cols = ["label", "label_coarse", "cl_id", "label_broad"]
    rows = np.sort(np.concatenate(stratified(ref.obs, "label_coarse", PER_TYPE, rng)))
    sub = clean(ref[rows, :], cols)
    path = os.path.join(HERE, "pbmc14k_sorted", "pbmc14k_demo.h5ad")
    sub.write_h5ad(path, compression="gzip")
    print(f"{path}: {sub.n_obs} cells x {sub.n_vars} genes, {os.path.getsize(path)} bytes")

    rng = np.random.default_rng(SEED + 1)
    mudan = anndata.read_h5ad(os.path.join(data, "zheng_sorted_mudan", "zheng_sorted_mudan.h5ad"))
    rows = np.sort(np.concatenate(stratified(mudan.obs, "label", MUDAN_PER_LABEL, rng)))
    sub = clean(mudan[rows, :], cols)
    path = os.path.join(HERE, "zheng_sorted_mudan", "mudan_demo.h5ad")
    sub.write_h5ad(path, compression="gzip")
    print(f"{path}: {sub.n_obs} cells x {sub.n_vars} genes, {os.path.getsize(path)} bytes")
    print(sub.obs["label"].value_counts().to_string())

    rows = np.sort(np.concatenate(stratified(query.obs, "label_coarse", QUERY_PER_TYPE, query_rng)))
    sub = clean(query[rows, :], ["label", "label_coarse", "cl_id", "label_broad", "condition", "donor"])
    path = os.path.join(HERE, "kang_muscat", "kang_muscat_demo.h5ad")
    sub.write_h5ad(path, compression="gzip")
    print(f"{path}: {sub.n_obs} cells x {sub.n_vars} genes, {os.path.getsize(path)} bytes")
    print(sub.obs["label_coarse"].value_counts().to_string())


if __name__ == "__main__":
    main()
