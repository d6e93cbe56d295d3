"""The notebook session of the client's README, run as written against the demo atlas."""

import contextlib
import io
import os
import time
import unittest

import anndata
import numpy as np

from support import EXAMPLE, ROOT, URL, readme_session


class ReadmeSessionTest(unittest.TestCase):
    def test_the_session_runs_as_written_and_its_answers_hold(self):
        code = readme_session()
        namespace = {}
        cwd = os.getcwd()
        os.environ["LIVEATLAS_URL"] = URL
        out = io.StringIO()
        started = time.monotonic()
        try:
            os.chdir(ROOT)
            with contextlib.redirect_stdout(out):
                exec(compile(code, "README.md (A notebook session)", "exec"), namespace)
        finally:
            os.chdir(cwd)
        seconds = time.monotonic() - started
        print(out.getvalue())
        print(f"README session: {seconds:.1f} s")

        annotated = namespace["annotated"]
        example = anndata.read_h5ad(EXAMPLE)
        self.assertEqual(list(annotated.obs_names), list(example.obs_names))
        for column in ("celltype_hint", "min_dist", "celltype_hint_stat", "celltype_hint_weighted_stat",
                       "celltype_call", "unknown"):
            self.assertIn(column, annotated.obs.columns)
        self.assertEqual(annotated.obsm["X_scimilarity"].shape[0], example.n_obs)
        norms = np.linalg.norm(annotated.obsm["X_scimilarity"], axis=1)
        np.testing.assert_allclose(norms, 1.0, atol=1e-4)
        self.assertIn("model_version", annotated.uns["liveatlas"])
        known_labels = set(annotated.obs["celltype_call"]) - {"unknown"}
        self.assertGreaterEqual(len(known_labels), 3, "the demo reference votes several cell types")

        unknown = namespace["unknown"]
        self.assertGreater(unknown.n_obs, 0, "the demo example has cells of types the reference lacks")
        nearest = namespace["nearest"]
        self.assertEqual(len(nearest), unknown.n_obs)
        for result in nearest.results:
            distances = [h["distance"] for h in result["hits"]]
            self.assertEqual(len(distances), 10)
            self.assertEqual(distances, sorted(distances))

        cells = namespace["cells"]
        ids = nearest.cell_ids()
        self.assertEqual(list(cells.obs_names), ids)
        self.assertIn("n_studies_measured", cells.var.columns)
        # The example file is deposited as study kang_example: its cells' counts come back unchanged.
        mine = [i for i in ids if i.startswith("kang_example:")]
        self.assertTrue(mine, "the unknown cells' nearest neighbours include the example's own cells")
        genes = list(example.var_names)
        got = cells[mine, genes].X
        want = example[[i.split(":", 1)[1] for i in mine], genes].X
        got = got.toarray() if hasattr(got, "toarray") else np.asarray(got)
        want = want.toarray() if hasattr(want, "toarray") else np.asarray(want)
        np.testing.assert_array_equal(got, want)

        where = namespace["where"]
        self.assertEqual(where.total_hits, 200)
        by_study = where.by("study")
        self.assertEqual(int(by_study["hits"].sum()), 200)
        self.assertAlmostEqual(float(by_study["fraction"].sum()), 1.0, places=6)


if __name__ == "__main__":
    unittest.main()
