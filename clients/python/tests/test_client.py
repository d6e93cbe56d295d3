"""The client's calls against the demo atlas: uploads, jobs, batching, and typed errors."""

import os
import socket
import tempfile
import unittest

import anndata
import numpy as np

from support import EXAMPLE, URL

import liveatlas
from liveatlas import Atlas


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.atlas = Atlas(URL, progress=False)
        cls.example = anndata.read_h5ad(EXAMPLE)

    def test_an_anndata_annotates_as_its_file_does(self):
        from_file = self.atlas.annotate(EXAMPLE)
        from_object = self.atlas.annotate(self.example)
        self.assertEqual(list(from_file.obs["celltype_call"]), list(from_object.obs["celltype_call"]))
        np.testing.assert_allclose(from_file.obs["min_dist"], from_object.obs["min_dist"], atol=1e-6)

    def test_counts_in_a_layer_are_sent_instead_of_x(self):
        shuffled = self.example.copy()
        shuffled.layers["counts"] = shuffled.X.copy()
        shuffled.X = shuffled.X * 0
        annotated = self.atlas.annotate(shuffled, layer="counts")
        self.assertEqual(annotated.n_obs, self.example.n_obs)
        self.assertGreater((annotated.obs["celltype_call"] != "unknown").mean(), 0.5)
        with self.assertRaises(liveatlas.BadRequest) as e:
            self.atlas.annotate(shuffled, layer="raw")
        self.assertIn("'raw'", e.exception.detail)

    def test_a_large_upload_runs_as_a_job_with_progress(self):
        copies = []
        for i in range(4):  # 2,400 cells: above the API's synchronous limit (2,000)
            part = self.example.copy()
            part.obs_names = [f"{name}-{i}" for name in part.obs_names]
            copies.append(part)
        big = anndata.concat(copies)
        statuses = []
        annotated = self.atlas.annotate(big, progress=statuses.append)
        self.assertEqual(annotated.n_obs, big.n_obs)
        self.assertEqual(list(annotated.obs_names), list(big.obs_names))
        self.assertTrue(statuses, "the job's progress was reported")
        self.assertEqual(statuses[-1]["state"], "succeeded")
        self.assertEqual(statuses[-1]["cells_done"], big.n_obs)
        fractions = [s["progress"] for s in statuses]
        self.assertEqual(fractions, sorted(fractions))
        job_id = statuses[-1]["id"]
        self.assertIn(job_id, [j["id"] for j in self.atlas.jobs()])
        self.assertIsNone(self.atlas.cancel_job(job_id), "a finished job is deleted")
        with self.assertRaises(liveatlas.NotFound):
            self.atlas.job(job_id)

    def test_more_queries_than_one_request_takes_are_batched_in_order(self):
        vectors = self.atlas.annotate(EXAMPLE).obsm["X_scimilarity"][:150]
        result = self.atlas.search_nearest(embeddings=vectors, k=3)
        self.assertEqual([r["query"] for r in result.results], list(range(150)))
        first = self.atlas.search_nearest(embeddings=vectors[120:121], k=3)
        self.assertEqual([h["id"] for h in result[120]["hits"]], [h["id"] for h in first[0]["hits"]])

    def test_cell_ids_search_centroid_radius_and_label_where(self):
        studies = self.atlas.studies()
        self.assertIn("pbmc14k", set(studies["study_id"]))
        some = self.atlas.search_nearest(embeddings=self.atlas.annotate(EXAMPLE).obsm["X_scimilarity"][:1], k=5)
        ids = some.cell_ids()
        by_id = self.atlas.search_nearest(cell_ids=ids[:2], k=5)
        self.assertEqual([r["cell_id"] for r in by_id.results], ids[:2])
        self.assertEqual(by_id[0]["hits"][0]["id"], ids[0])
        centroid = self.atlas.search_centroid(cell_ids=ids, k=7)
        self.assertEqual(centroid.method, "embedding_mean")
        self.assertEqual(len(centroid.cell_ids()), 7)
        counts = self.atlas.search_centroid(data=EXAMPLE, cells=list(self.example.obs_names[:50]), k=7)
        self.assertEqual(counts.method, "summed_counts")
        self.assertEqual(counts.query_cells, 50)
        radius = self.atlas.search_radius(cell_ids=ids[:1], max_dist=0.05)
        self.assertTrue(all(h["distance"] <= 0.05 + 1e-6 for h in radius[0]["hits"]))
        where = self.atlas.where(label="B cell")
        self.assertGreater(where.total_hits, 0)
        self.assertEqual(int(where.by("study")["hits"].sum()), where.total_hits)
        models = self.atlas.models()
        self.assertEqual(int(models["current"].sum()), 1)
        serving = models[models["current"]]["version"].iloc[0]
        self.assertEqual(self.atlas.current_model()["version"], serving)
        self.assertEqual(models[models["current"]]["index_state"].iloc[0], "serving")
        # pinning the serving version changes nothing; an unknown version is a typed 404 naming it
        pinned = Atlas(URL, progress=False, model_version=serving)
        self.assertEqual(pinned.search_nearest(cell_ids=ids[:1], k=5).model_version, serving)
        self.assertEqual(pinned.annotate(EXAMPLE).uns["liveatlas"]["model_version"], serving)
        with self.assertRaises(liveatlas.NotFound) as e:
            self.atlas.where(cell_ids=ids[:1], model_version="no-such-version")
        self.assertEqual(e.exception.slug, "unknown-model-version")
        # paged lists are followed to their end
        radius_all = self.atlas.search_radius(cell_ids=ids[:1], max_dist=0.5)
        self.assertEqual(len(radius_all[0]["hits"]), radius_all[0]["total_hits"])
        self.assertFalse(radius_all.truncated)

    def test_errors_are_typed_and_name_the_value(self):
        with self.assertRaises(liveatlas.NotFound) as e:
            self.atlas.study("no-such-study")
        self.assertEqual(e.exception.slug, "study-not-found")
        self.assertIn("no-such-study", e.exception.detail)
        with self.assertRaises(liveatlas.BadRequest) as e:
            self.atlas.search_nearest(embeddings=np.ones((1, 4)), k=0)
        self.assertIn("k = 0", e.exception.detail)
        with self.assertRaises(liveatlas.NotFound) as e:
            self.atlas.get_anndata(["no-such-study:cell-1"])
        self.assertIn("no-such-study:cell-1", e.exception.detail)
        with tempfile.NamedTemporaryFile(suffix=".h5ad") as f:
            f.write(b"this is not HDF5")
            f.flush()
            with self.assertRaises(liveatlas.LiveAtlasError) as e:
                self.atlas.annotate(f.name)
            self.assertIn(e.exception.status, (400, 415, 422))
            self.assertNotIn("/tmp/", e.exception.detail, "no server path leaks into the answer")
        with self.assertRaises(FileNotFoundError):
            self.atlas.annotate("no/such/file.h5ad")

    def test_no_server_is_unreachable_with_the_fix(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with self.assertRaises(liveatlas.Unreachable) as e:
            Atlas(f"http://127.0.0.1:{port}", timeout=5).studies()
        self.assertIn("./atlas up", e.exception.detail)


if __name__ == "__main__":
    unittest.main()
