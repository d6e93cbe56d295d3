"""Reads an annotation .h5ad of the query API with anndata and prints what a caller would use.

Usage: /usr/bin/python3 read_annotation_h5ad.py FILE
Prints one line per check as key=value; exits non-zero when anndata cannot read the file.
"""
import sys

import anndata

a = anndata.read_h5ad(sys.argv[1])
print(f"n_obs={a.n_obs}")
print(f"obs_names={','.join(a.obs_names)}")
print(f"columns={','.join(a.obs.columns)}")
print(f"celltype_hint={','.join(a.obs['celltype_hint'].astype(str))}")
print(f"celltype_call={','.join(a.obs['celltype_call'].astype(str))}")
print(f"unknown={','.join(str(int(u)) for u in a.obs['unknown'])}")
print(f"min_dist={','.join(f'{d:.4f}' for d in a.obs['min_dist'])}")
print(f"X_scimilarity_shape={a.obsm['X_scimilarity'].shape[0]}x{a.obsm['X_scimilarity'].shape[1]}")
print(f"X_scimilarity_row0={','.join(f'{x:.3f}' for x in a.obsm['X_scimilarity'][0])}")
if a.n_vars > 0:
    import numpy as np

    x = a.X.toarray() if hasattr(a.X, "toarray") else np.asarray(a.X)
    print(f"X_shape={x.shape[0]}x{x.shape[1]}")
    print(f"var_names={','.join(a.var_names)}")
    print(f"X_row_sums={','.join(f'{s:.0f}' for s in x.sum(axis=1))}")
