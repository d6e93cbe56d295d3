#!/usr/bin/python3
"""PCA + kNN baseline of ../shared/data/README.md (50 components, k = 50, Euclidean, majority vote) on the demo files.

Exact SVD with numpy instead of sklearn's randomized PCA (sklearn is not installed here); run from the project root:
  /usr/bin/python3 infra/demo/baseline_demo.py
"""
import anndata, numpy as np, scipy.sparse as sp, collections
ref = anndata.read_h5ad("infra/demo/pbmc14k_sorted/pbmc14k_demo.h5ad")
q = anndata.read_h5ad("infra/demo/kang_muscat/kang_muscat_demo.h5ad")
genes = sorted(set(ref.var_names) & set(q.var_names))
def norm(a):
    x = sp.csr_matrix(a[:, genes].X).astype(np.float64)
    s = np.asarray(x.sum(1)).ravel(); s[s == 0] = 1
    x = sp.diags(1e4 / s) @ x
    return np.log1p(x.toarray())
xr, xq = norm(ref), norm(q)
mu = xr.mean(0)
_, _, vt = np.linalg.svd(xr - mu, full_matrices=False)
pr, pq = (xr - mu) @ vt[:50].T, (xq - mu) @ vt[:50].T
labels = ref.obs["label_coarse"].astype(str).values
d = ((pq[:, None, :] - pr[None, :, :]) ** 2).sum(-1)
nn = np.argsort(d, axis=1)[:, :50]
pred = np.array([collections.Counter(labels[r]).most_common(1)[0][0] for r in nn])
truth = q.obs["label_coarse"].astype(str).values
known = truth != "FCGR3A monocyte"
print(f"shared genes {len(genes)}; known {known.sum()}: accuracy {np.mean(pred[known]==truth[known]):.3f}; all {np.mean(pred==truth):.3f}")
for t in sorted(set(truth[known])): print(f"  recall {t}: {np.mean(pred[truth==t]==t):.3f}")
print("novel called", collections.Counter(pred[~known]).most_common())
