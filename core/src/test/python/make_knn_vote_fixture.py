#!/usr/bin/python3
"""Writes the golden fixture for the k-nearest vote: SCimilarity's own statistics on random neighbours.

Usage: /usr/bin/python3 core/src/test/python/make_knn_vote_fixture.py
Output: core/src/test/resources/org/liveatlas/core/annotate/knn_vote_golden.json

The per-cell loop below is the body of CellAnnotation.get_predictions_knn from the scimilarity
package (Apache-2.0, src/scimilarity/cell_annotation.py), unchanged except that the neighbour
indices are replaced by their labels. Distances are float32 as hnswlib returns them and sorted
ascending; some are zero (exact matches) and some are tied.
"""
import json
import operator
import os
from collections import defaultdict

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "org", "liveatlas", "core", "annotate",
                   "knn_vote_golden.json")


def scimilarity_cell(labels, d_nns, weighting):
    celltype = defaultdict(float)
    celltype_weighted = defaultdict(float)
    for label, dist in zip(labels, d_nns):
        celltype[label] += 1.0
        celltype_weighted[label] += 1.0 / float(max(dist, 1e-6))
    if weighting:
        prediction = max(celltype_weighted.items(), key=operator.itemgetter(1))[0]
    else:
        prediction = max(celltype.items(), key=operator.itemgetter(1))[0]
    stats = {"hits": dict(celltype), "hits_weighted": dict(celltype_weighted),
             "min_dist": float(np.min(d_nns)), "max_dist": float(np.max(d_nns))}
    hits = sorted(celltype.values(), reverse=True)
    hits_weighted = [max(x, 1e-6) for x in sorted(celltype_weighted.values(), reverse=True)]
    if len(hits) > 1:
        stats["vs2nd"] = hits[0] / (hits[0] + hits[1])
        stats["vsAll"] = hits[0] / sum(hits)
        stats["vs2nd_weighted"] = hits_weighted[0] / (hits_weighted[0] + hits_weighted[1])
        stats["vsAll_weighted"] = hits_weighted[0] / sum(hits_weighted)
    else:
        stats["vs2nd"] = stats["vsAll"] = stats["vs2nd_weighted"] = stats["vsAll_weighted"] = 1.0
    return prediction, stats


def main():
    rng = np.random.default_rng(20241125)
    classes = ["T cell", "B cell", "NK cell", "monocyte", "platelet", "dendritic cell"]
    probs = np.array([0.4, 0.2, 0.15, 0.15, 0.05, 0.05])
    cells = []
    for i in range(120):
        k = 50 if i % 4 else int(rng.integers(2, 12))
        p = np.roll(probs, i % len(classes))
        labels = [classes[j] for j in rng.choice(len(classes), size=k, p=p)]
        if i % 10 == 0:
            labels = [labels[0]] * k  # single label
        d = np.sort(rng.uniform(0.0, 0.4, size=k).astype(np.float32))
        if i % 7 == 0:
            d[0] = np.float32(0.0)  # exact match: weight floored at 1e-6
        if i % 5 == 0:
            d[1:4] = d[1]  # ties
        pred, stats = scimilarity_cell(labels, d, weighting=False)
        pred_w, _ = scimilarity_cell(labels, d, weighting=True)
        cells.append({"labels": labels, "distances": [float(x) for x in d],
                      "prediction": pred, "prediction_weighted": pred_w, **stats})
    with open(OUT, "w") as f:
        json.dump({"source": "scimilarity get_predictions_knn loop", "cells": cells}, f, separators=(",", ":"))
    print("wrote", os.path.normpath(OUT), len(cells), "cells")


if __name__ == "__main__":
    main()
