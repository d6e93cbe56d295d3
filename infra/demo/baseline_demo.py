#!/usr/bin/python3
"""PCA + kNN baseline of ../shared/data/README.md (50 components, k = 50, Euclidean, majority vote) on the demo files.

The reference is the demo's two labelled studies (pbmc14k_demo, mudan_demo) over the demo model's gene
order (every gene of the two); the example file is aligned to that order as the platform does it
(missing genes read zero, lognorm over the genes it has in the order). Exact SVD with numpy instead of
sklearn's randomized PCA (sklearn is not installed here); run from the project root:
  /usr/bin/python3 infra/demo/baseline_demo.py
"""
import anndata, numpy as np, scipy.sparse as sp, collections
refs = [anndata.read_h5ad(f) for f in ("infra/demo/pbmc14k_sorted/pbmc14k_demo.h5ad",
                                       "infra/demo/zheng_sorted_mudan/mudan_demo.h5ad")]
q = anndata.read_h5ad("infra/demo/kang_muscat/kang_muscat_demo.h5ad")
genes = sorted(set().union(*[set(r.var_names) for r in refs]))
index = {g: i for i, g in enumerate(genes)}
def aligned(a):
    x = sp.csr_matrix(a.X).astype(np.float64).tocoo()
    cols = np.array([index.get(g, -1) for g in a.var_names])
    keep = cols[x.col] >= 0
    x = sp.csr_matrix((x.data[keep], (x.row[keep], cols[x.col[keep]])), shape=(a.n_obs, len(genes)))
    s = np.asarray(x.sum(1)).ravel(); s[s == 0] = 1
    return np.log1p((sp.diags(1e4 / s) @ x).toarray())
xr = np.vstack([aligned(r) for r in refs])
xq = aligned(q)
mu = xr.mean(0)
_, _, vt = np.linalg.svd(xr - mu, full_matrices=False)
pr, pq = (xr - mu) @ vt[:50].T, (xq - mu) @ vt[:50].T
labels = np.concatenate([r.obs["label_coarse"].astype(str).values for r in refs])
d = (pq ** 2).sum(1)[:, None] + (pr ** 2).sum(1)[None, :] - 2 * pq @ pr.T
nn = np.argsort(d, axis=1)[:, :50]
pred = np.array([collections.Counter(labels[r]).most_common(1)[0][0] for r in nn])
truth = q.obs["label_coarse"].astype(str).values
known = truth != "FCGR3A monocyte"
print(f"gene order {len(genes)}, example genes in it {sum(g in index for g in q.var_names)}; "
      f"known {known.sum()}: accuracy {np.mean(pred[known]==truth[known]):.3f}; all {np.mean(pred==truth):.3f}")
for t in sorted(set(truth[known])): print(f"  recall {t}: {np.mean(pred[truth==t]==t):.3f}")
print("novel called", collections.Counter(pred[~known]).most_common())
