#!/usr/bin/python3
"""Scores an annotation of the example file against its label_coarse (FCGR3A monocytes are the absent type).

  curl -s -F file=@infra/demo/kang_muscat/kang_muscat_demo.h5ad http://127.0.0.1:8090/v1/annotate > annot.json
  /usr/bin/python3 infra/demo/score_annotation.py annot.json infra/demo/kang_muscat/kang_muscat_demo.h5ad
"""
import json, sys, anndata, collections
a = anndata.read_h5ad(sys.argv[2])
truth = dict(zip(a.obs_names, a.obs["label_coarse"]))
r = json.load(open(sys.argv[1]))
# the reference votes by Cell Ontology id (shown by the ontology's name): a call is right when its id is the
# truth's id (label_map.tsv of the data), or, for a reference without ids, when its name is the truth's label
CL = {"B cell": "CL:0000236", "CD14 monocyte": "CL:0001054", "CD4 T cell": "CL:0000624",
      "CD8 T cell": "CL:0000625", "NK cell": "CL:0000623", "FCGR3A monocyte": "CL:0002396"}
def right(c, field):
    t = truth[c["cell_id"]]
    return c.get(field) == t or (c.get(field + "_ontology_id") is not None and c.get(field + "_ontology_id") == CL.get(t))
known = [c for c in r["cells"] if truth[c["cell_id"]] != "FCGR3A monocyte"]
novel = [c for c in r["cells"] if truth[c["cell_id"]] == "FCGR3A monocyte"]
acc_vote = sum(right(c, "voted_label") for c in known) / len(known)
acc_label = sum(right(c, "label") for c in known) / len(known)
print(f"known {len(known)}: voted accuracy {acc_vote:.3f}, accuracy with unknown calls {acc_label:.3f}, unknown rate {sum(c['unknown'] for c in known)/len(known):.3f}")
print(f"novel {len(novel)}: unknown rate {sum(c['unknown'] for c in novel)/len(novel):.3f}; voted as", collections.Counter(c['voted_label'] for c in novel).most_common())
per = collections.defaultdict(list)
for c in known: per[truth[c["cell_id"]]].append(right(c, "voted_label"))
for k,v in sorted(per.items()): print(f"  recall {k}: {sum(v)/len(v):.3f}", collections.Counter(c['voted_label'] for c in known if truth[c['cell_id']]==k).most_common(3))
