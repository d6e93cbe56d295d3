"""Answers of the search endpoints, with the cell ids and tables a notebook wants from them."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pandas as pd

_CELL_COLUMNS = ["study_id", "cell_id", "author_label", "author_label_ontology_id", "predicted_label",
                 "tissue", "disease", "donor", "sample", "organism", "assay", "reference",
                 "visibility", "ingest_time", "model_version"]


def _hit_rows(hits: List[Dict[str, Any]], base: Dict[str, Any]) -> List[Dict[str, Any]]:
    rows = []
    for rank, hit in enumerate(hits):
        row = dict(base)
        row.update({"rank": rank, "id": hit["id"], "distance": hit["distance"]})
        cell = hit.get("cell") or {}
        for column in _CELL_COLUMNS:
            row[column] = cell.get(column)
        rows.append(row)
    return rows


class SearchResult:
    """The answer of a nearest or radius search: per query its hits, by ascending cosine distance.

    ``results`` is the API's list (``query``, ``cell_id`` when the queries were cells, ``hits``,
    ``truncated``); :meth:`cell_ids` and :meth:`to_dataframe` flatten it.
    """

    def __init__(self, answer: Dict[str, Any]):
        self.raw = answer
        self.model_version: Optional[str] = answer.get("model_version")
        self.results: List[Dict[str, Any]] = answer.get("results") or []

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, i: int) -> Dict[str, Any]:
        return self.results[i]

    @property
    def truncated(self) -> bool:
        """Whether any radius query stopped at the server's hit limit."""
        return any(r.get("truncated") for r in self.results)

    def cell_ids(self, include_queries: bool = True) -> List[str]:
        """Every hit's id once, in order of first appearance (query cells themselves optional)."""
        queries = {r.get("cell_id") for r in self.results}
        seen: Dict[str, None] = {}
        for r in self.results:
            for hit in r.get("hits") or []:
                if include_queries or hit["id"] not in queries:
                    seen.setdefault(hit["id"], None)
        return list(seen)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per hit: query, query cell id, rank, id, distance and the hit's metadata."""
        rows: List[Dict[str, Any]] = []
        for r in self.results:
            rows += _hit_rows(r.get("hits") or [], {"query": r.get("query"), "query_cell_id": r.get("cell_id")})
        return pd.DataFrame(rows, columns=["query", "query_cell_id", "rank", "id", "distance"] + _CELL_COLUMNS)

    def __repr__(self) -> str:
        hits = sum(len(r.get("hits") or []) for r in self.results)
        return f"SearchResult(model={self.model_version}, queries={len(self.results)}, hits={hits})"


class CentroidResult:
    """The answer of a centroid search: how the centroid was built, its embedding, hits and coherence."""

    def __init__(self, answer: Dict[str, Any]):
        self.raw = answer
        self.model_version: Optional[str] = answer.get("model_version")
        self.method: Optional[str] = answer.get("method")
        self.query_cells: int = answer.get("query_cells", 0)
        self.centroid = answer.get("centroid")
        self.hits: List[Dict[str, Any]] = answer.get("hits") or []
        self.query_coherence: float = answer.get("query_coherence", float("nan"))

    def cell_ids(self) -> List[str]:
        return [h["id"] for h in self.hits]

    def to_dataframe(self) -> pd.DataFrame:
        return pd.DataFrame(_hit_rows(self.hits, {}), columns=["rank", "id", "distance"] + _CELL_COLUMNS)

    def __repr__(self) -> str:
        return (f"CentroidResult(model={self.model_version}, method={self.method}, "
                f"query_cells={self.query_cells}, hits={len(self.hits)}, "
                f"query_coherence={self.query_coherence:.1f})")


class WhereResult:
    """Where the counted cells lie: ``total_hits`` and per grouping (study, sample, tissue, disease,
    deposit_month) a table of ``key``, ``hits``, ``fraction`` (of the hits), ``group_cells`` and
    ``group_fraction`` (of the group's visible cells), as SCimilarity's ``compile_sample_metadata``."""

    GROUPINGS = ("study", "sample", "tissue", "disease", "deposit_month")

    def __init__(self, answer: Dict[str, Any]):
        self.raw = answer
        self.model_version: Optional[str] = answer.get("model_version")
        self.total_hits: int = answer.get("total_hits", 0)

    def by(self, grouping: str) -> pd.DataFrame:
        if grouping not in self.GROUPINGS:
            raise ValueError(f"grouping {grouping!r} is not one of {', '.join(self.GROUPINGS)}")
        groups = self.raw.get("by_" + grouping) or []
        columns = ["key", "study", "hits", "fraction", "group_cells", "group_fraction"]
        return pd.DataFrame(groups, columns=columns if grouping == "sample" else
                            [c for c in columns if c != "study"])

    def __repr__(self) -> str:
        studies = len(self.raw.get("by_study") or [])
        return f"WhereResult(total_hits={self.total_hits}, studies={studies})"
