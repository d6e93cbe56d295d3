#!/usr/bin/python3
"""Checks that synthetic studies written by LiveAtlas load in the reference Python stack.

Usage: /usr/bin/python3 check_synthetic_h5ad.py STUDY.h5ad [TENX_DIR]

Generate the inputs first, e.g.
  java -cp core/target/classes:<deps> org.liveatlas.core.synth.SyntheticStudyMain \
      --out /tmp/synth --studies 2 --cells 500 --genes 1000 --format both
then run this script on /tmp/synth/synth01.h5ad /tmp/synth/synth01.

It loads the .h5ad with anndata (and the raw groups with h5py), checks the matrix encoding, the
counts layer, the obs/var dataframes and a plausible mitochondrial fraction, and, when a 10x folder
is given, that its matrix.mtx.gz / features.tsv.gz / barcodes.tsv.gz hold the same counts. Exits
non-zero on the first failed check.
"""
import gzip
import sys

import anndata
import h5py
import numpy as np
import scipy.io
import scipy.sparse as sp

EXPECTED_OBS = ["cell_type", "cell_type_ontology_term_id", "donor_id", "sample", "study"]


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)
    print("ok:   " + what)


def main(path, tenx=None):
    a = anndata.read_h5ad(path)
    print(a)
    check(sp.isspmatrix_csr(a.X), "X loads as a scipy CSR matrix")
    check(a.X.dtype == np.float32, "X is float32")
    check("counts" in a.layers, "layers/counts present")
    check((a.layers["counts"] != a.X).nnz == 0, "layers/counts equals X")
    data = a.X.data
    check(np.all(data >= 0) and np.all(data == np.round(data)), "counts are non-negative integers")
    check(list(a.obs.columns) == EXPECTED_OBS, "obs columns are " + ", ".join(EXPECTED_OBS))
    check(all(isinstance(v, str) for v in a.obs["cell_type"].values[:10]), "obs values load as str, not bytes")
    check(a.obs.index.is_unique and a.obs.index[0].endswith("-1"), "obs index holds unique 10x-style barcodes")
    check(a.var.index.is_unique, "var index (gene symbols) unique")
    check(list(a.var.columns) == ["gene_ids", "feature_types"], "var columns gene_ids, feature_types")
    mt = a.var.index.str.startswith("MT-")
    check(mt.sum() == 13, "13 MT- genes")
    totals = np.asarray(a.X.sum(axis=1)).ravel()
    frac = np.asarray(a.X[:, np.where(mt)[0]].sum(axis=1)).ravel() / totals
    check(0.01 < np.median(frac) < 0.2, "median mitochondrial fraction %.3f is plausible" % np.median(frac))
    check(a.obs["cell_type"].nunique() >= 2, "%d cell types present" % a.obs["cell_type"].nunique())
    with h5py.File(path, "r") as f:
        check(list(f["X"].attrs["shape"]) == [a.n_obs, a.n_vars], "X shape attribute matches")
        check(f["X"].attrs["encoding-type"] in (b"csr_matrix", "csr_matrix"), "X encoding-type csr_matrix")
    if tenx:
        m = scipy.io.mmread(gzip.open(tenx + "/matrix.mtx.gz")).tocsr()
        check(m.shape == (a.n_vars, a.n_obs), "10x matrix is genes x cells")
        check(abs(m.T.tocsr() - a.X).sum() == 0, "10x matrix equals the h5ad counts")
        feats = [l.rstrip("\n").split("\t") for l in gzip.open(tenx + "/features.tsv.gz", "rt")]
        check([x[1] for x in feats] == list(a.var.index), "features.tsv names equal var index")
        check([x[0] for x in feats] == list(a.var["gene_ids"]), "features.tsv ids equal var gene_ids")
        check(all(x[2] == "Gene Expression" for x in feats), "features.tsv type column")
        bcs = [l.rstrip("\n") for l in gzip.open(tenx + "/barcodes.tsv.gz", "rt")]
        check(bcs == list(a.obs.index), "barcodes.tsv equals obs index")
    print("all checks passed")


if __name__ == "__main__":
    main(*sys.argv[1:])
