"""Writes the small deposit fixtures used by the ingest tests (run with Debian's python3: anndata, h5py, scipy).

Outputs under ingest/src/test/resources/fixtures/:
  tiny.h5ad            AnnData written by the anndata library (20 cells x 30 genes, CSR counts)
  tiny_10x.h5          10x v3 HDF5 layout written with h5py
  tenx/                10x folder: matrix.mtx.gz, features.tsv.gz, barcodes.tsv.gz
"""
import gzip
import io
import os
import sys

import anndata
import h5py
import numpy as np
import scipy.io
import scipy.sparse as sp

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")


def main():
    rng = np.random.default_rng(7)
    counts = sp.random(20, 30, density=0.3, format="csr", random_state=7, data_rvs=lambda n: rng.integers(1, 20, n)).astype(np.float32)
    genes = [f"GENE{i}" for i in range(30)]
    cells = [f"CELL{i:02d}" for i in range(20)]
    os.makedirs(OUT, exist_ok=True)

    adata = anndata.AnnData(X=counts)
    adata.obs_names = cells
    adata.var_names = genes
    adata.obs["cell_type"] = ["T cell" if i % 2 else "B cell" for i in range(20)]
    adata.write_h5ad(os.path.join(OUT, "tiny.h5ad"))

    csc = counts.T.tocsc()  # 10x stores genes x cells, CSC by cell
    with h5py.File(os.path.join(OUT, "tiny_10x.h5"), "w") as f:
        m = f.create_group("matrix")
        m.create_dataset("barcodes", data=np.array(cells, dtype="S"))
        m.create_dataset("data", data=csc.data.astype(np.int32))
        m.create_dataset("indices", data=csc.indices.astype(np.int64))
        m.create_dataset("indptr", data=csc.indptr.astype(np.int64))
        m.create_dataset("shape", data=np.array(csc.shape, dtype=np.int32))
        feat = m.create_group("features")
        feat.create_dataset("id", data=np.array([f"ENSG{i:011d}" for i in range(30)], dtype="S"))
        feat.create_dataset("name", data=np.array(genes, dtype="S"))
        feat.create_dataset("feature_type", data=np.array(["Gene Expression"] * 30, dtype="S"))
        feat.create_dataset("genome", data=np.array(["GRCh38"] * 30, dtype="S"))

    tenx = os.path.join(OUT, "tenx")
    os.makedirs(tenx, exist_ok=True)
    buf = io.BytesIO()
    scipy.io.mmwrite(buf, sp.coo_matrix(counts.T.astype(np.int64)), field="integer")
    write_gz(os.path.join(tenx, "matrix.mtx.gz"), buf.getvalue())
    write_gz(os.path.join(tenx, "features.tsv.gz"),
             "".join(f"ENSG{i:011d}\t{g}\tGene Expression\n" for i, g in enumerate(genes)).encode())
    write_gz(os.path.join(tenx, "barcodes.tsv.gz"), "".join(c + "\n" for c in cells).encode())


def write_gz(path, data):
    # mtime=0 keeps the bytes, and so the ETags, identical on every run
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)


if __name__ == "__main__":
    sys.exit(main())
