#!/usr/bin/python3
"""Golden fixtures for the study readers, gene alignment, QC and lognorm.

Run from the repository root with Debian's python3 (anndata 0.8, h5py, scipy, numpy):

    /usr/bin/python3 core/src/test/python/make_study_fixtures.py

Every study below holds the SAME raw counts (cells x study genes, in `counts.npy`), written in a
different layout by the real `anndata` library (or by h5py following the 10x and old-anndata
layouts), so one set of expected values checks every reader. The expected aligned counts and
lognorm values are computed by the reference method: SCimilarity's `align_dataset` (an outer
`anndata.concat` onto an empty AnnData with the model's gene order) after summing duplicate
symbols, then `lognorm_counts` = scanpy `normalize_total(target_sum=1e4)` + `log1p`, mirrored in
numpy with scanpy's float32 CSR arithmetic (x * (1 / (total / 1e4)); a zero total stays zero).
"""

import gzip
import os
import shutil

import anndata
import h5py
import numpy as np
import pandas as pd
import scipy.io
import scipy.sparse as sp

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "studies")
RNG = np.random.default_rng(20261125)

N_CELLS = 40

# The model's gene order: 30 symbols, two of them mitochondrial.
MODEL_GENES = [f"GENE{i:02d}" for i in range(1, 29)] + ["MT-CO1", "MT-ND1"]

# The study's genes: 5 model genes missing (GENE24..GENE28), 6 extra genes the model lacks
# (two of them mitochondrial, so QC sees them but alignment drops them), GENE03 and GENE07
# twice (duplicate symbols are summed), in a shuffled order.
_present = [g for g in MODEL_GENES if g not in {"GENE24", "GENE25", "GENE26", "GENE27", "GENE28"}]
_extra = ["EXTRA1", "EXTRA2", "EXTRA3", "EXTRA4", "MT-ATP6", "MT-CYB"]
STUDY_GENES = _present + _extra + ["GENE03", "GENE07"]
_order = RNG.permutation(len(STUDY_GENES))
STUDY_GENES = [STUDY_GENES[i] for i in _order]
N_GENES = len(STUDY_GENES)
ENSEMBL_IDS = [f"ENSG{900000 + i:011d}" for i in range(N_GENES)]

CELL_IDS = [f"CELL{i:03d}-1" for i in range(N_CELLS)]
CELL_TYPES = ["B cell", "CD4 T cell", "NK cell"]


def make_counts():
    mean = RNG.lognormal(mean=1.0, sigma=1.0, size=N_GENES)
    lib = RNG.lognormal(mean=0.0, sigma=0.7, size=N_CELLS)
    counts = RNG.negative_binomial(2, 2 / (2 + np.outer(lib, mean))).astype(np.int64)
    # Sparse like real data: about half the entries zero.
    counts[RNG.random(counts.shape) < 0.5] = 0
    counts[3, :] = 0  # a cell with no counts at all: lognorm keeps it zero
    extra_cols = [j for j, g in enumerate(STUDY_GENES) if g in _extra]
    counts[5, :] = 0
    counts[5, extra_cols] = 4  # counts only on genes the model drops: zero after alignment
    counts[7, :] = 0
    counts[7, STUDY_GENES.index("MT-CO1")] = 30  # mostly mitochondrial
    counts[7, STUDY_GENES.index("GENE01")] = 2
    counts[11, STUDY_GENES.index("GENE02")] = 70000  # a large value, exact in float32
    return counts


def obs_frame():
    labels = [CELL_TYPES[i % 3] for i in range(N_CELLS)]
    donors = [f"D{i % 2}" for i in range(N_CELLS)]
    return pd.DataFrame(
        {
            "label": pd.Categorical(labels, categories=CELL_TYPES),
            "donor": donors,  # plain strings
            "n_reads": np.arange(N_CELLS, dtype=np.int64) * 10,
            "doublet": np.arange(N_CELLS) % 5 == 0,  # numpy bool: an HDF5 enum
            "score": np.where(np.arange(N_CELLS) % 4 == 1, np.nan, np.arange(N_CELLS) / 4),
            "n_umi": pd.array([None if i % 6 == 2 else i for i in range(N_CELLS)], dtype="Int64"),
        },
        index=pd.Index(CELL_IDS, name="barcode"),
    )


def var_frame(index=STUDY_GENES):
    return pd.DataFrame({"feature_type": ["Gene Expression"] * len(index)}, index=pd.Index(index))


def lognormalise_like_scanpy(x):
    x = x.astype(np.float32)
    total = x.sum(axis=1, dtype=np.float32)
    total = total / np.float32(1e4)
    total = total + (total == 0)
    scale = np.float32(1) / total
    return np.log1p(x * scale[:, None]).astype(np.float32)


def reference_align(counts):
    """SCimilarity's align_dataset (after summing duplicate symbols) on a real AnnData."""
    summed = pd.DataFrame(counts, columns=STUDY_GENES).T.groupby(level=0, sort=False).sum().T
    data = anndata.AnnData(
        X=sp.csr_matrix(summed.to_numpy().astype(np.float32)),
        obs=pd.DataFrame(index=CELL_IDS),
        var=pd.DataFrame(index=list(summed.columns)),
    )
    shell = ad(sp.csr_matrix((0, len(MODEL_GENES)), dtype=np.float32),
                            var=pd.DataFrame(index=MODEL_GENES))
    shell = anndata.concat((shell, data[:, data.var.index.isin(shell.var.index)]), join="outer")
    shell = shell[:, MODEL_GENES]
    return np.asarray(shell.X.todense(), dtype=np.float32)


def ad(x, **kw):
    """An AnnData keeping X's dtype (anndata 0.8 would cast it to float32 by default)."""
    return anndata.AnnData(X=x, dtype=x.dtype, **kw)


def write(adata, name, **kw):
    adata.write_h5ad(os.path.join(OUT, name), **kw)


def h5ad_studies(counts):
    obs = obs_frame()
    lognorm_study = lognormalise_like_scanpy(counts)

    write(ad(sp.csr_matrix(counts.astype(np.float32)), obs=obs, var=var_frame()), "csr_float32.h5ad")
    write(ad(sp.csr_matrix(counts.astype(np.int64)), obs=obs, var=var_frame()), "csr_int64.h5ad")
    write(ad(sp.csc_matrix(counts.astype(np.float64)), obs=obs, var=var_frame()), "csc_float64.h5ad")
    write(ad(counts.astype(np.int32), obs=obs, var=var_frame()), "dense_int32.h5ad")
    write(ad(counts.astype(np.float32), obs=obs, var=var_frame()), "dense_float32.h5ad")
    write(ad(sp.csr_matrix(counts.astype(np.float32)), obs=obs, var=var_frame()),
          "csr_gzip.h5ad", compression="gzip")

    # Counts in layers/counts, X holds lognorm values (non-integer): the reader must take the layer.
    a = ad(sp.csr_matrix(lognorm_study), obs=obs, var=var_frame())
    a.layers["counts"] = sp.csr_matrix(counts.astype(np.float32))
    write(a, "layers_counts.h5ad")

    # Counts in raw/X over all genes; X and var hold only a subset of genes (as after HVG selection).
    full = ad(sp.csr_matrix(counts.astype(np.float32)), obs=obs, var=var_frame())
    full.raw = full
    subset = full[:, :10].copy()
    subset.X = sp.csr_matrix(lognorm_study[:, :10])
    write(subset, "raw_x.h5ad")

    # Ensembl ids in the var index, symbols in a var column.
    var = pd.DataFrame({"gene_symbols": STUDY_GENES}, index=pd.Index(ENSEMBL_IDS))
    write(ad(sp.csr_matrix(counts.astype(np.float32)), obs=obs, var=var), "ensembl_index.h5ad")
    with open(os.path.join(OUT, "ensembl_to_symbol.tsv"), "w") as f:
        for gid, sym in zip(ENSEMBL_IDS, STUDY_GENES):
            f.write(f"{gid}\t{sym}\n")

    # Too few shared genes: var names are something else entirely.
    other = [f"OTHER{i}" for i in range(N_GENES - 3)] + ["GENE01", "GENE02", "GENE03"]
    write(ad(sp.csr_matrix(counts.astype(np.float32)), obs=obs, var=var_frame(other)),
          "few_shared.h5ad")

    # Poison studies.
    bad = counts.astype(np.float32)
    bad[9, STUDY_GENES.index("GENE05")] = -3
    write(ad(sp.csr_matrix(bad), obs=obs, var=var_frame()), "negative.h5ad")
    bad = counts.astype(np.float32)
    bad[12, STUDY_GENES.index("GENE06")] = np.nan
    write(ad(bad, obs=obs, var=var_frame()), "nan_dense.h5ad")
    bad = counts.astype(np.float64)
    bad[14, STUDY_GENES.index("GENE08")] = np.inf
    write(ad(sp.csc_matrix(bad), obs=obs, var=var_frame()), "inf_csc.h5ad")
    write(ad(sp.csr_matrix(lognorm_study), obs=obs, var=var_frame()), "normalised_x.h5ad")
    # obs lists one cell fewer than X has rows (hand-edited, as a broken writer might leave it).
    with open(os.path.join(OUT, "csr_float32.h5ad"), "rb") as f:
        blob = f.read()
    with open(os.path.join(OUT, "obs_mismatch.h5ad"), "wb") as f:
        f.write(blob)
    with h5py.File(os.path.join(OUT, "obs_mismatch.h5ad"), "r+") as f:
        attrs = dict(f["obs/barcode"].attrs)
        del f["obs/barcode"]
        f.create_dataset("obs/barcode", data=np.array(CELL_IDS[:-1], dtype=object), dtype=h5py.string_dtype())
        f["obs/barcode"].attrs.update(attrs)
    empty = ad(sp.csr_matrix((0, N_GENES), dtype=np.float32),
                            obs=pd.DataFrame(index=pd.Index([], dtype=str)), var=var_frame())
    write(empty, "empty.h5ad")
    with open(os.path.join(OUT, "csr_float32.h5ad"), "rb") as f:
        blob = f.read()
    with open(os.path.join(OUT, "truncated.h5ad"), "wb") as f:
        f.write(blob[: len(blob) // 2])


def old_anndata_studies(counts):
    """Two older on-disk encodings of categorical obs columns, written by hand as anndata did."""
    x = sp.csr_matrix(counts.astype(np.float32))
    codes = np.array([i % 3 for i in range(N_CELLS)], dtype=np.int8)
    vlen = h5py.string_dtype("utf-8")

    # anndata 0.7: obs is a group; a categorical column holds int codes with an attribute
    # `categories` that is an object reference to obs/__categories/<column>.
    with h5py.File(os.path.join(OUT, "old_categorical_ref.h5ad"), "w") as f:
        g = f.create_group("X")
        g.attrs["h5sparse_format"] = "csr"
        g.attrs["h5sparse_shape"] = np.array(x.shape, dtype=np.int64)
        g["data"], g["indices"], g["indptr"] = x.data, x.indices, x.indptr
        obs = f.create_group("obs")
        obs.attrs["_index"] = "index"
        obs.attrs["column-order"] = np.array(["label", "donor"], dtype=object).astype(vlen)
        obs.attrs["encoding-type"] = "dataframe"
        obs.attrs["encoding-version"] = "0.1.0"
        obs.create_dataset("index", data=np.array(CELL_IDS, dtype=object), dtype=vlen)
        cats = obs.create_group("__categories")
        cats.create_dataset("label", data=np.array(CELL_TYPES, dtype=object), dtype=vlen)
        obs["label"] = codes
        obs["label"].attrs["categories"] = cats["label"].ref
        obs.create_dataset("donor", data=np.array([f"D{i % 2}" for i in range(N_CELLS)], dtype=object), dtype=vlen)
        var = f.create_group("var")
        var.attrs["_index"] = "index"
        var.attrs["column-order"] = np.array([], dtype=object).astype(vlen)
        var.attrs["encoding-type"] = "dataframe"
        var.attrs["encoding-version"] = "0.1.0"
        var.create_dataset("index", data=np.array(STUDY_GENES, dtype=object), dtype=vlen)

    # anndata < 0.7: obs and var are compound datasets; categorical codes sit in the record,
    # their categories in uns/<column>_categories; raw is stored flat as raw.X / raw.var. Here X holds
    # lognorm values of the first 10 genes and raw.X the counts, as after gene selection.
    with h5py.File(os.path.join(OUT, "old_categorical_uns.h5ad"), "w") as f:
        lognorm = sp.csr_matrix(lognormalise_like_scanpy(counts)[:, :10])
        g = f.create_group("X")
        g.attrs["h5sparse_format"] = "csr"
        g.attrs["h5sparse_shape"] = np.array(lognorm.shape, dtype=np.int64)
        g["data"], g["indices"], g["indptr"] = lognorm.data, lognorm.indices, lognorm.indptr
        g = f.create_group("raw.X")
        g.attrs["h5sparse_format"] = "csr"
        g.attrs["h5sparse_shape"] = np.array(x.shape, dtype=np.int64)
        g["data"], g["indices"], g["indptr"] = x.data, x.indices, x.indptr
        obs_t = np.dtype([("index", "S16"), ("label", "i1"), ("donor", "S4")])
        obs_rec = np.array([(c.encode(), codes[i], f"D{i % 2}".encode()) for i, c in enumerate(CELL_IDS)], dtype=obs_t)
        f.create_dataset("obs", data=obs_rec)
        var_t = np.dtype([("index", "S16")])
        f.create_dataset("var", data=np.array([(g_.encode(),) for g_ in STUDY_GENES[:10]], dtype=var_t))
        f.create_dataset("raw.var", data=np.array([(g_.encode(),) for g_ in STUDY_GENES], dtype=var_t))
        uns = f.create_group("uns")
        uns.create_dataset("label_categories", data=np.array([c.encode() for c in CELL_TYPES]))


def tenx_studies(counts):
    genes_by_cells = sp.coo_matrix(counts.T.astype(np.int64))

    # Cell Ranger 3 folder: gzipped matrix.mtx, features.tsv (id, symbol, type), barcodes.tsv.
    folder = os.path.join(OUT, "tenx_v3")
    os.makedirs(folder, exist_ok=True)
    # Cell Ranger lists entries cell by cell; sort so (column, row) increases as it does.
    order = np.lexsort((genes_by_cells.row, genes_by_cells.col))
    m = sp.coo_matrix((genes_by_cells.data[order], (genes_by_cells.row[order], genes_by_cells.col[order])),
                      shape=genes_by_cells.shape)
    scipy.io.mmwrite(os.path.join(folder, "matrix.mtx"), m, field="integer")
    with open(os.path.join(folder, "features.tsv"), "w") as f:
        for gid, sym in zip(ENSEMBL_IDS, STUDY_GENES):
            f.write(f"{gid}\t{sym}\tGene Expression\n")
    with open(os.path.join(folder, "barcodes.tsv"), "w") as f:
        f.write("".join(c + "\n" for c in CELL_IDS))
    for name in ("matrix.mtx", "features.tsv", "barcodes.tsv"):
        with open(os.path.join(folder, name), "rb") as src, gzip.GzipFile(
            os.path.join(folder, name + ".gz"), "wb", mtime=0
        ) as dst:  # mtime=0: reruns give identical bytes
            shutil.copyfileobj(src, dst)
        os.remove(os.path.join(folder, name))

    # Cell Ranger 2 folder: plain genes.tsv (id, symbol), entries in random order.
    folder = os.path.join(OUT, "tenx_v2")
    os.makedirs(folder, exist_ok=True)
    perm = RNG.permutation(genes_by_cells.nnz)
    m = sp.coo_matrix((genes_by_cells.data[perm], (genes_by_cells.row[perm], genes_by_cells.col[perm])),
                      shape=genes_by_cells.shape)
    scipy.io.mmwrite(os.path.join(folder, "matrix.mtx"), m, field="integer")
    with open(os.path.join(folder, "genes.tsv"), "w") as f:
        for gid, sym in zip(ENSEMBL_IDS, STUDY_GENES):
            f.write(f"{gid}\t{sym}\n")
    with open(os.path.join(folder, "barcodes.tsv"), "w") as f:
        f.write("".join(c + "\n" for c in CELL_IDS))

    # Bad folders: a negative count, a truncated entry list, barcodes that do not match.
    def bad_folder(name, edit):
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        lines = [f"{r + 1} {c + 1} {v}" for r, c, v in zip(genes_by_cells.row, genes_by_cells.col, genes_by_cells.data)]
        header = ["%%MatrixMarket matrix coordinate integer general", f"{N_GENES} {N_CELLS} {len(lines)}"]
        header, lines, barcodes = edit(header, lines, list(CELL_IDS))
        with open(os.path.join(folder, "matrix.mtx"), "w") as f:
            f.write("\n".join(header + lines) + "\n")
        with open(os.path.join(folder, "genes.tsv"), "w") as f:
            for gid, sym in zip(ENSEMBL_IDS, STUDY_GENES):
                f.write(f"{gid}\t{sym}\n")
        with open(os.path.join(folder, "barcodes.tsv"), "w") as f:
            f.write("".join(c + "\n" for c in barcodes))

    def negative(header, lines, barcodes):
        r, c, v = lines[17].split()
        lines[17] = f"{r} {c} -{v}"
        return header, lines, barcodes

    def non_integer(header, lines, barcodes):
        header[0] = "%%MatrixMarket matrix coordinate real general"
        r, c, v = lines[23].split()
        lines[23] = f"{r} {c} {v}.25"
        return header, lines, barcodes

    bad_folder("tenx_negative", negative)
    bad_folder("tenx_non_integer", non_integer)
    bad_folder("tenx_truncated", lambda h, l, b: (h, l[: len(l) - 10], b))
    bad_folder("tenx_barcodes_mismatch", lambda h, l, b: (h, l, b[:-1]))

    # Cell Ranger 3 HDF5: matrix/{data,indices,indptr,shape,barcodes,features/{id,name,...}},
    # CSC over cell columns, i.e. CSR over cell rows.
    write_tenx_h5(os.path.join(OUT, "filtered_feature_bc_matrix.h5"), counts, antibody=False)
    # The same with one antibody-capture feature in the middle: readers keep gene expression only.
    write_tenx_h5(os.path.join(OUT, "with_antibody.h5"), counts, antibody=True)


def write_tenx_h5(path, counts, antibody):
    ids, names, types = list(ENSEMBL_IDS), list(STUDY_GENES), ["Gene Expression"] * N_GENES
    if antibody:
        at = N_GENES // 2
        counts = np.insert(counts, at, np.arange(N_CELLS) + 1000, axis=1)
        ids.insert(at, "CD3_TotalSeqB")
        names.insert(at, "CD3")
        types.insert(at, "Antibody Capture")
    n_features = len(ids)
    by_cell = sp.csr_matrix(counts.astype(np.int32))
    with h5py.File(path, "w") as f:
        f.attrs["filetype"] = "matrix"
        f.attrs["version"] = 2
        g = f.create_group("matrix")
        g.create_dataset("barcodes", data=np.array([c.encode() for c in CELL_IDS]))
        g.create_dataset("data", data=by_cell.data.astype(np.int32), compression="gzip")
        g.create_dataset("indices", data=by_cell.indices.astype(np.int64), compression="gzip")
        g.create_dataset("indptr", data=by_cell.indptr.astype(np.int64))
        g.create_dataset("shape", data=np.array([n_features, N_CELLS], dtype=np.int32))
        feats = g.create_group("features")
        feats.create_dataset("_all_tag_keys", data=np.array([b"genome"]))
        feats.create_dataset("feature_type", data=np.array([t.encode() for t in types]))
        feats.create_dataset("genome", data=np.array([b"GRCh38"] * n_features))
        feats.create_dataset("id", data=np.array([g_.encode() for g_ in ids]))
        feats.create_dataset("name", data=np.array([g_.encode() for g_ in names]))


def expected(counts):
    np.save(os.path.join(OUT, "expected", "counts.npy"), counts.astype(np.float32))
    aligned = reference_align(counts)
    # Check the reference alignment against a direct computation before trusting it.
    direct = np.zeros((N_CELLS, len(MODEL_GENES)), dtype=np.float64)
    for j, g in enumerate(STUDY_GENES):
        if g in MODEL_GENES:
            direct[:, MODEL_GENES.index(g)] += counts[:, j]
    assert np.array_equal(direct.astype(np.float32), aligned)
    np.save(os.path.join(OUT, "expected", "aligned_counts.npy"), aligned)
    lognorm = lognormalise_like_scanpy(aligned)
    ref64 = np.log1p(aligned.astype(np.float64) / np.maximum(aligned.sum(1, keepdims=True), 1) * 1e4)
    assert np.allclose(lognorm, ref64, rtol=1e-6, atol=0)
    np.save(os.path.join(OUT, "expected", "lognorm.npy"), lognorm)
    with open(os.path.join(OUT, "expected", "model_genes.txt"), "w") as f:
        f.write("".join(g + "\n" for g in MODEL_GENES))
    with open(os.path.join(OUT, "expected", "study_genes.txt"), "w") as f:
        f.write("".join(g + "\n" for g in STUDY_GENES))
    # QC on the study's own genes: genes detected, total counts, mitochondrial fraction.
    detected = (counts > 0).sum(1)
    total = counts.sum(1)
    mito_cols = [j for j, g in enumerate(STUDY_GENES) if g.startswith(("MT-", "mt-"))]
    mito = np.where(total > 0, counts[:, mito_cols].sum(1) / np.maximum(total, 1), 0.0)
    with open(os.path.join(OUT, "expected", "qc.tsv"), "w") as f:
        f.write("cell\tgenes_detected\ttotal_counts\tmito_fraction\n")
        for i in range(N_CELLS):
            f.write(f"{CELL_IDS[i]}\t{detected[i]}\t{total[i]}\t{mito[i]:.17g}\n")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "expected"))
    counts = make_counts()
    h5ad_studies(counts)
    old_anndata_studies(counts)
    tenx_studies(counts)
    expected(counts)
    total = 0
    for root, _, files in os.walk(OUT):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    print(f"wrote fixtures under {os.path.normpath(OUT)} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
