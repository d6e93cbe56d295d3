"""The LiveAtlas client: annotation, cell search, where cells appear, and the expression of cells."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

import anndata
import numpy as np
import pandas as pd

from ._http import Multipart, Transport
from .errors import BadRequest, JobFailed
from .results import CentroidResult, SearchResult, WhereResult

H5AD = "application/x-hdf5"
DEFAULT_URL = "http://127.0.0.1:8090"

Cells = Union[Sequence[str], SearchResult, CentroidResult]
Progress = Union[bool, Callable[[Dict[str, Any]], None], None]


class Atlas:
    """A connection to a LiveAtlas query API.

    >>> atlas = Atlas()                      # LIVEATLAS_URL or http://127.0.0.1:8090, LIVEATLAS_API_KEY
    >>> annotated = atlas.annotate("pbmc.h5ad")
    >>> annotated.obs["celltype_hint"].value_counts()

    ``api_key`` (header ``X-API-Key``) or ``token`` (an OIDC bearer token) identify the caller; a local
    ``./atlas up`` serves public studies without either. ``timeout`` bounds one HTTP exchange in
    seconds; ``patience`` bounds the total time spent waiting on rate limits (429) and on a loading
    reference (503 with ``Retry-After``) before the error is raised. ``progress`` (default: on when
    stderr is a terminal) reports long annotation jobs; a callable gets each job status instead.
    ``model_version`` pins every call to that registry version, so that results can be reproduced after
    the platform moved on to a newer model (each call also takes ``model_version``); embeddings from an
    annotation should be searched with the version that made them (``annotated.uns["liveatlas"]``).
    """

    #: Query vectors the API takes per request (``atlas.query.search.max-queries``); longer lists are sent
    #: in batches of this size and their answers joined.
    max_queries = 100

    def __init__(self, url: Optional[str] = None, api_key: Optional[str] = None, token: Optional[str] = None,
                 timeout: float = 600.0, patience: float = 120.0, progress: Progress = None,
                 model_version: Optional[str] = None):
        self.url = (url or os.environ.get("LIVEATLAS_URL") or DEFAULT_URL).rstrip("/")
        if self.url.endswith("/v1"):
            self.url = self.url[: -len("/v1")]
        key = api_key if api_key is not None else os.environ.get("LIVEATLAS_API_KEY")
        self._http = Transport(self.url, key, token, timeout, patience)
        self.progress = progress
        #: pins every call to this model version (its model, reference and cells index); None: the serving one
        self.model_version = model_version

    def __repr__(self) -> str:
        return f"Atlas({self.url!r})"

    # ----------------------------------------------------------------------------------- annotation

    def annotate(self, data: Union[str, os.PathLike, anndata.AnnData], *, k: Optional[int] = None,
                 weighting: Optional[str] = None, safelist: Optional[Iterable[str]] = None,
                 blocklist: Optional[Iterable[str]] = None, cluster_column: Optional[str] = None,
                 consensus: Optional[str] = None, layer: Optional[str] = None,
                 progress: Progress = None, model_version: Optional[str] = None) -> anndata.AnnData:
        """Annotate cells by nearest-neighbour vote against the atlas's labelled reference.

        ``data`` is an AnnData with raw counts (in ``X``, or in ``layers[layer]``), or the path of an
        ``.h5ad``, a 10x ``.h5`` or a zipped 10x folder. Returns the cells as an AnnData the way
        SCimilarity's ``annotate_dataset`` leaves them: ``obs`` gains ``celltype_hint`` (the voted
        label), ``min_dist``, ``celltype_hint_stat``, ``celltype_hint_weighted_stat``, and LiveAtlas's
        ``celltype_call`` (``unknown`` beyond the model's distance threshold), ``unknown``,
        ``max_dist``, ``vs2nd``, ``vs2nd_weighted``, ``neighbours``; ``obsm["X_scimilarity"]`` holds
        the embeddings; ``uns["liveatlas"]`` the model version and unknown threshold. Large uploads run
        as a job on the server; this call follows it (with progress) until it ends.
        """
        with tempfile.TemporaryDirectory(prefix="liveatlas-") as tmp:
            path, name = self._upload_file(data, layer, tmp)
            fields = [(n, str(v)) for n, v in (("k", k), ("weighting", weighting),
                                               ("cluster_column", cluster_column),
                                               ("consensus", consensus),
                                               ("model_version", self._version(model_version))) if v is not None]
            fields += [("safelist", v) for v in (safelist or [])]
            fields += [("blocklist", v) for v in (blocklist or [])]
            answer = self._http.request("POST", "/v1/annotate", query={"format": "h5ad"}, accept=H5AD,
                                        multipart=Multipart(fields, [("file", path, name)]))
            if answer.status == 202:
                status = answer.json()
                job = self._follow(status["id"], answer.retry_after(2.0), progress)
                answer = self._http.request("GET", job["result"], query={"format": "h5ad"}, accept=H5AD)
            return self._read_h5ad(answer.body, tmp)

    def _version(self, model_version: Optional[str]) -> Optional[str]:
        return model_version if model_version is not None else self.model_version

    def job(self, job_id: str) -> Dict[str, Any]:
        """An annotation job's state (``queued``, ``running``, ``succeeded``, ``failed``, ``cancelled``) and
        progress."""
        return self._http.request("GET", f"/v1/jobs/{_quote(job_id)}").json()

    def jobs(self) -> List[Dict[str, Any]]:
        """This caller's annotation jobs, newest first (they survive a restart of the API)."""
        return self._http.request("GET", "/v1/jobs").json()["jobs"]

    def cancel_job(self, job_id: str) -> Optional[Dict[str, Any]]:
        """Cancels a queued or running job and returns its status (a running one stops at its next batch);
        deletes a finished job with its result and returns None."""
        answer = self._http.request("DELETE", f"/v1/jobs/{_quote(job_id)}")
        return answer.json() if answer.status != 204 and answer.body else None

    def _follow(self, job_id: str, pause: float, progress: Progress) -> Dict[str, Any]:
        report = self._reporter(progress)
        while True:
            answer = self._http.request("GET", f"/v1/jobs/{job_id}")
            status = answer.json()
            report(status)
            if status["state"] == "succeeded":
                return status
            if status["state"] == "failed":
                error = status.get("error") or {}
                raise JobFailed(int(error.get("status") or 500), str(error.get("title") or "job failed"),
                                str(error.get("detail") or f"job {job_id} failed"),
                                str(error.get("type") or "about:blank"), error, self._http.url(f"/v1/jobs/{job_id}"))
            time.sleep(answer.retry_after(pause))

    def _reporter(self, progress: Progress) -> Callable[[Dict[str, Any]], None]:
        progress = self.progress if progress is None else progress
        if callable(progress):
            return progress
        if progress is False or (progress is None and not sys.stderr.isatty()):
            return lambda status: None
        tty = sys.stderr.isatty()
        last = {"line": ""}

        def report(status: Dict[str, Any]) -> None:
            line = (f"annotation job {status['id']}: {status['state']}, "
                    f"{status.get('cells_done', 0):,}/{status.get('cells_total', 0):,} cells "
                    f"({100 * status.get('progress', 0):.0f}%)")
            if line != last["line"]:
                sys.stderr.write(("\r" + line) if tty else line + "\n")
                if tty and status["state"] in ("succeeded", "failed"):
                    sys.stderr.write("\n")
                sys.stderr.flush()
                last["line"] = line
        return report

    @staticmethod
    def _upload_file(data: Any, layer: Optional[str], tmp: str):
        if isinstance(data, anndata.AnnData):
            adata = data
            if layer is not None:
                if layer not in adata.layers:
                    raise BadRequest(400, "Bad Request", f"layer {layer!r} is not in the AnnData's layers "
                                     f"({', '.join(adata.layers.keys()) or 'none'}); pass the layer holding "
                                     f"raw counts, or none to send X")
                adata = anndata.AnnData(X=adata.layers[layer], obs=adata.obs, var=adata.var)
            else:
                adata = anndata.AnnData(X=adata.X, obs=adata.obs, var=adata.var)
            path = os.path.join(tmp, "upload.h5ad")
            adata.write_h5ad(path)
            return path, "upload.h5ad"
        path = os.fspath(data)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such file; annotate takes an AnnData, an .h5ad, a 10x .h5 "
                                    f"or a zipped 10x folder")
        return path, os.path.basename(path)

    @staticmethod
    def _read_h5ad(body: bytes, tmp: str) -> anndata.AnnData:
        path = os.path.join(tmp, "answer.h5ad")
        with open(path, "wb") as f:
            f.write(body)
        adata = anndata.read_h5ad(path)
        import h5py

        with h5py.File(path, "r") as f:
            attrs = {k[len("liveatlas_"):]: _plain(v) for k, v in f.attrs.items() if k.startswith("liveatlas_")}
        if attrs:
            adata.uns["liveatlas"] = attrs
        return adata

    # --------------------------------------------------------------------------------------- search

    def search_nearest(self, cell_ids: Optional[Sequence[str]] = None, embeddings: Any = None, *,
                       k: Optional[int] = None, filters: Optional[Dict[str, Sequence[str]]] = None,
                       model_version: Optional[str] = None) -> SearchResult:
        """The ``k`` nearest visible cells of each query: indexed cells by id, or embeddings (n x 128,
        e.g. ``annotated.obsm["X_scimilarity"]``). ``filters``: ``{study, tissue, disease, organism,
        label}``, each a list of values."""
        return self._batched("/v1/search/nearest", cell_ids, embeddings,
                             {"k": k, "filters": filters, "model_version": self._version(model_version)})

    def search_radius(self, cell_ids: Optional[Sequence[str]] = None, embeddings: Any = None, *,
                      max_dist: Optional[float] = None,
                      filters: Optional[Dict[str, Sequence[str]]] = None,
                      model_version: Optional[str] = None) -> SearchResult:
        """Every visible cell within cosine distance ``max_dist`` (default 0.03) of each query
        (SCimilarity's exhaustive search); pages beyond the server's page size are fetched and joined."""
        return self._batched("/v1/search/radius", cell_ids, embeddings,
                             {"max_dist": max_dist, "filters": filters, "model_version": self._version(model_version)})

    def search_centroid(self, cell_ids: Optional[Sequence[str]] = None, embeddings: Any = None, *,
                        data: Union[str, os.PathLike, anndata.AnnData, None] = None,
                        cells: Optional[Sequence[str]] = None, method: Optional[str] = None,
                        k: Optional[int] = None, layer: Optional[str] = None,
                        filters: Optional[Dict[str, Sequence[str]]] = None,
                        model_version: Optional[str] = None) -> CentroidResult:
        """The nearest cells of the centroid of a set of cells: indexed cells by id, embeddings, or raw
        counts (``data``: an AnnData or a file, optionally only the obs names in ``cells``). With counts
        the centroid is SCimilarity's (summed counts, log-normalised, embedded: ``method="summed_counts"``);
        with ids or embeddings it is the mean direction (``"embedding_mean"``)."""
        if data is not None:
            if filters:
                raise BadRequest(400, "Bad Request", "filters are not accepted with a file upload; pass cell_ids "
                                 "or embeddings to filter, or filter the hits")
            with tempfile.TemporaryDirectory(prefix="liveatlas-") as tmp:
                path, name = self._upload_file(data, layer, tmp)
                fields = [(n, str(v)) for n, v in (("method", method), ("k", k),
                                                   ("model_version", self._version(model_version))) if v is not None]
                if cells is not None:
                    fields.append(("cells", ",".join(cells)))
                answer = self._http.request("POST", "/v1/search/centroid",
                                            multipart=Multipart(fields, [("file", path, name)]))
                return CentroidResult(answer.json())
        body = _clean({"cell_ids": _list(cell_ids), "embeddings": _vectors(embeddings), "method": method,
                       "k": k, "filters": filters, "model_version": self._version(model_version)})
        return CentroidResult(self._http.request("POST", "/v1/search/centroid", json_body=body).json())

    def where(self, label: Optional[str] = None, cell_ids: Optional[Sequence[str]] = None, embeddings: Any = None,
              *, k: Optional[int] = None, max_dist: Optional[float] = None,
              filters: Optional[Dict[str, Sequence[str]]] = None,
              model_version: Optional[str] = None) -> WhereResult:
        """Where cells appear: the cells of a ``label``, or the nearest ``k`` (or all within ``max_dist``)
        of the centroid (mean direction) of cells or embeddings, counted by study, sample, tissue, disease
        and deposit month. Any number of embeddings (more than the API takes per request are averaged here,
        as the API would); at most ``max_queries`` cell ids."""
        vectors = _vectors(embeddings)
        if vectors is not None and len(vectors) > self.max_queries:
            # the API averages its query vectors into their mean direction; do it here for longer lists
            mean = np.asarray(vectors, dtype=np.float64).mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm == 0.0:
                raise BadRequest(400, "Bad Request", "the embeddings cancel out; their centroid has no direction")
            vectors = [(mean / norm).astype(np.float32).tolist()]
        body = _clean({"label": label, "cell_ids": _list(cell_ids), "embeddings": vectors,
                       "k": k, "max_dist": max_dist, "filters": filters,
                       "model_version": self._version(model_version)})
        answer = self._http.request("POST", "/v1/where", json_body=body).json()
        cursor = answer.get("next_cursor")
        while cursor:  # every group of every grouping, page after page
            more = self._http.request("POST", "/v1/where", json_body={**body, "cursor": cursor}).json()
            for grouping in WhereResult.GROUPINGS:
                key = "by_" + grouping
                answer[key] = (answer.get(key) or []) + (more.get(key) or [])
            cursor = more.get("next_cursor")
        answer.pop("next_cursor", None)
        return WhereResult(answer)

    def _batched(self, path: str, cell_ids: Any, embeddings: Any, options: Dict[str, Any]) -> SearchResult:
        ids, vectors = _list(cell_ids), _vectors(embeddings)
        if (ids is None) == (vectors is None):
            raise BadRequest(400, "Bad Request", "give exactly one of cell_ids and embeddings")
        queries: List[Any] = ids if ids is not None else vectors
        results: List[Dict[str, Any]] = []
        model = None
        for start in range(0, len(queries), self.max_queries):
            part = queries[start: start + self.max_queries]
            body = _clean({"cell_ids" if ids is not None else "embeddings": part, **options})
            answer = self._http.request("POST", path, json_body=body).json()
            model = model or answer.get("model_version")
            for r in answer.get("results") or []:
                # a radius result cut at the server's page size: follow its cursor to the last hit
                while r.get("next_cursor"):
                    more = self._http.request("POST", path, json_body={**body, "cursor": r["next_cursor"]}).json()
                    page = (more.get("results") or [{}])[0]
                    r["hits"] = (r.get("hits") or []) + (page.get("hits") or [])
                    r["next_cursor"] = page.get("next_cursor")
                    r["truncated"] = page.get("truncated", False)
                r["query"] = start + int(r.get("query", 0))
                results.append(r)
        return SearchResult({"model_version": model, "results": results})

    # ------------------------------------------------------------------------------------ expression

    def get_anndata(self, cells: Cells) -> anndata.AnnData:
        """The raw counts of indexed cells as an AnnData, read from the deposited studies: ``cells`` is a
        list of cell ids (``<study>:<cell>``) or a search result (its hits, each once). ``obs`` holds each
        cell's metadata in request order, ``var`` the union of the studies' genes (``n_studies_measured``
        says how many of the involved studies measured each)."""
        ids = cells.cell_ids() if isinstance(cells, (SearchResult, CentroidResult)) else list(cells)
        if not ids:
            raise BadRequest(400, "Bad Request", "no cell ids given; pass ids or a search result with hits")
        answer = self._http.request("POST", "/v1/cells/expression", json_body={"cell_ids": ids}, accept=H5AD)
        with tempfile.TemporaryDirectory(prefix="liveatlas-") as tmp:
            return self._read_h5ad(answer.body, tmp)

    # -------------------------------------------------------------------------------- atlas contents

    def studies(self) -> pd.DataFrame:
        """Visible studies, one row each: the study's metadata, ingestion state, QC tally and
        ``cells_in_index``."""
        rows: List[Dict[str, Any]] = []
        cursor = None
        while True:  # every page
            answer = self._http.request("GET", "/v1/studies", query={"limit": 1000, "cursor": cursor}).json()
            rows += [{**(s.get("study") or {}), "cells_in_index": s.get("cells_in_index")} for s in answer["studies"]]
            cursor = answer.get("next_cursor")
            if not cursor:
                return pd.DataFrame(rows)

    def study(self, study_id: str) -> Dict[str, Any]:
        """One visible study (404 :class:`~liveatlas.errors.NotFound` when unknown or not visible)."""
        return self._http.request("GET", f"/v1/studies/{_quote(study_id)}").json()

    def models(self) -> pd.DataFrame:
        """Every model version of the registry (published, rejected, retired), one row each: version,
        status, whether it serves (``current``), creation time, unknown threshold, ``index_state`` (whether
        calls can pin it: ``serving``, ``retired``, ``present``; ``gone`` cannot) and the gate's metrics."""
        rows = []
        for entry in self._http.request("GET", "/v1/models").json().get("models") or []:
            manifest = entry.get("manifest") or {}
            row = {"version": manifest.get("version"), "status": manifest.get("status"),
                   "current": bool(entry.get("current")), "created": manifest.get("created"),
                   "unknown_threshold": manifest.get("unknown_threshold"),
                   "index_state": (entry.get("index") or {}).get("state")}
            row.update(manifest.get("metrics") or {})
            rows.append(row)
        return pd.DataFrame(rows)

    def current_model(self) -> Dict[str, Any]:
        """The serving model: ``version``, ``unknown_threshold``, ``genes`` (how many), ``latent_dim``,
        ``hidden_layers`` and its whole ``manifest`` (metrics, training parameters)."""
        answer = self._http.request("GET", "/v1/models/current").json()
        manifest = answer.get("manifest") or {}
        return {"version": manifest.get("version"), "unknown_threshold": manifest.get("unknown_threshold"),
                **answer}

    def summary(self) -> Dict[str, Any]:
        """Visible cells, studies and cells per label."""
        return self._http.request("GET", "/v1/atlas").json()

    def ready(self) -> bool:
        """Whether the API is ready (OpenSearch up, the cells index present, a model serving)."""
        try:
            return self._http.request("GET", "/q/health/ready").status == 200
        except Exception:  # any error answer or none at all means not ready
            return False


def _quote(value: str) -> str:
    import urllib.parse

    return urllib.parse.quote(value, safe="")


def _list(values: Any) -> Optional[List[str]]:
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def _vectors(embeddings: Any) -> Optional[List[List[float]]]:
    if embeddings is None:
        return None
    array = np.asarray(embeddings, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise BadRequest(400, "Bad Request", f"embeddings must be one vector or a matrix (cells x latent), "
                         f"not an array of shape {array.shape}")
    return array.tolist()


def _clean(body: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value
