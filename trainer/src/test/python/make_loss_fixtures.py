#!/usr/bin/python3
"""Golden fixtures for the trainer's loss and miner, from PyTorch (Debian python3-torch) and
SCimilarity's own training code.

Writes trainer/src/test/resources/loss/loss_fixture.json:
  * a small batch (embeddings, input, reconstruction) and triplets, with the loss parts SCimilarity's
    MetricLearning computes: torch.nn.functional.triplet_margin_loss with p=2, eps=1e-6 (or the
    squared-Euclidean variant), nn.MSELoss, the mixed loss from SCimilarity's own
    MetricLearning.get_mixed_loss, and the L1 penalty from SCimilarity's own L1 statement of
    MetricLearning.training_step, run on SCimilarity's own Encoder (nn_models.py) with fixed weights;
    for both triplet distances, with the gradients of the total loss with respect to the embeddings,
    the reconstruction and the penalised encoder weight;
  * which encoder parameters that L1 statement reaches (the ones it gives a gradient), and the penalty a
    first-Linear-only reading would give instead, so that the Java test can tell the two apart;
  * a miner case: SCimilarity's TripletSelector.get_triplets_idx with negative_selection="hardest"
    and sample_across_studies=True (transcribed below without the ontology, i.e. label equality),
    on a random batch, with the expected triplets and hard/viable counts.

SCimilarity's code is executed, not restated: nn_models.py is imported from a checkout of
github.com/Genentech/scimilarity (Apache-2.0; only torch is needed), and training_models.py is parsed
with ast (so pytorch_lightning, pandas and the rest of its imports are not needed): the statement
`if self.l1 > 0:` of MetricLearning.training_step and the method get_mixed_loss are compiled from that
file and run on a stand-in `self` that holds the encoder, l1, triplet_loss_weight and a `log` that
records what SCimilarity logs as "train l1 penalty". The fixture records the commit given and the
SHA-256 of both files. Checked with training_models.py as of commit 86a902f6 and nn_models.py as of
commit 136ae6bf (the newest versions of both files there).

Run from the repository root, naming the checkout's src folder (the one holding scimilarity/):
  /usr/bin/python3 trainer/src/test/python/make_loss_fixtures.py \
      --scimilarity-src /path/to/scimilarity/src --scimilarity-commit <commit>
"""
import argparse
import ast
import hashlib
import importlib.util
import json
import os
import types
from itertools import combinations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "loss", "loss_fixture.json")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "--scimilarity-src",
    default=os.environ.get("SCIMILARITY_SRC"),
    help="src folder of a SCimilarity checkout (holds scimilarity/nn_models.py); or $SCIMILARITY_SRC",
)
parser.add_argument(
    "--scimilarity-commit", default="unknown", help="the checkout's commit (free text), recorded in the fixture"
)
args = parser.parse_args()
if not args.scimilarity_src:
    parser.error("name a SCimilarity checkout with --scimilarity-src (or SCIMILARITY_SRC)")
PKG = os.path.join(args.scimilarity_src, "scimilarity")
NN_MODELS = os.path.join(PKG, "nn_models.py")
TRAINING_MODELS = os.path.join(PKG, "training_models.py")
for f in (NN_MODELS, TRAINING_MODELS):
    if not os.path.isfile(f):
        parser.error(f"{f} not found; --scimilarity-src must be the folder that holds scimilarity/")


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


# --- SCimilarity's Encoder, imported from its file ---
spec = importlib.util.spec_from_file_location("scimilarity_nn_models", NN_MODELS)
nn_models = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nn_models)

# --- SCimilarity's L1 statement and mixed loss, compiled from training_models.py ---
with open(TRAINING_MODELS) as fh:
    training_source = fh.read()
tree = ast.parse(training_source, filename=TRAINING_MODELS)
metric_learning = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "MetricLearning")
methods = {n.name: n for n in metric_learning.body if isinstance(n, ast.FunctionDef)}
l1_statements = [
    s
    for s in methods["training_step"].body
    if isinstance(s, ast.If) and ast.unparse(s.test) == "self.l1 > 0"
]
if len(l1_statements) != 1:
    raise SystemExit(f"{TRAINING_MODELS}: expected one `if self.l1 > 0:` in training_step, found {len(l1_statements)}")
L1_STATEMENT = l1_statements[0]
l1_code = compile(ast.Module(body=[L1_STATEMENT], type_ignores=[]), TRAINING_MODELS, "exec")
mixed_namespace = {}
exec(
    compile(ast.Module(body=[methods["get_mixed_loss"]], type_ignores=[]), TRAINING_MODELS, "exec"),
    {},
    mixed_namespace,
)
get_mixed_loss = mixed_namespace["get_mixed_loss"]

torch.manual_seed(7)
rng = np.random.default_rng(7)

n, dim, genes = 12, 4, 6
HIDDEN = [8, 5]
W_TRIPLET, MARGIN, L1, LR = 0.001, 0.05, 1e-4, 0.005


def r(t):
    return [round(float(v), 9) for v in t.reshape(-1).tolist()]


emb0 = torch.randn(n, dim, dtype=torch.float64)
emb0 = F.normalize(emb0, p=2, dim=1).float()
x = torch.rand(n, genes) * 3
recon0 = x + 0.3 * torch.randn(n, genes)
triplets = [[0, 1, 5], [2, 3, 7], [4, 6, 0], [8, 9, 10], [11, 1, 2], [3, 5, 9]]
ai, pi, ni = (list(c) for c in zip(*triplets))

# fixed encoder weights: PyTorch's initialisation under the seed, BatchNorm/PReLU made non-trivial
encoder0 = nn_models.Encoder(genes, latent_dim=dim, hidden_dim=HIDDEN, dropout=0.5, input_dropout=0.4)
with torch.no_grad():
    for name, t in encoder0.state_dict().items():
        if name.endswith("running_var"):
            t.uniform_(0.5, 1.5)
        elif t.is_floating_point():
            t.add_(0.05 * torch.randn_like(t))
state0 = {k: v.clone() for k, v in encoder0.state_dict().items()}


def run_l1(encoder, loss):
    """Runs SCimilarity's `if self.l1 > 0:` statement; returns (loss after it, logged penalties)."""
    logged = []
    this = types.SimpleNamespace(
        encoder=encoder,
        l1=L1,
        log=lambda name, value, **kw: logged.append((name, value)),
    )
    namespace = {"self": this, "loss": loss, "current_lr": LR, "nn": nn}
    exec(l1_code, namespace)
    return namespace["loss"], logged


cases = {}
for name in ["EUCLIDEAN", "SQUARED_EUCLIDEAN"]:
    encoder = nn_models.Encoder(genes, latent_dim=dim, hidden_dim=HIDDEN, dropout=0.5, input_dropout=0.4)
    encoder.load_state_dict(state0)
    emb = emb0.clone().requires_grad_(True)
    recon = recon0.clone().requires_grad_(True)
    a, p, ng = emb[ai], emb[pi], emb[ni]
    if name == "EUCLIDEAN":
        per = F.triplet_margin_loss(a, p, ng, margin=MARGIN, p=2, eps=1e-6, reduction="none")
    else:
        per = torch.clamp(((a - p) ** 2).sum(1) - ((a - ng) ** 2).sum(1) + MARGIN, min=0)
    trip = per.mean()
    mse = torch.nn.MSELoss()(x, recon)
    mixed = get_mixed_loss(types.SimpleNamespace(triplet_loss_weight=W_TRIPLET), trip, mse)
    total, logged = run_l1(encoder, mixed.clone())
    if [k for k, _ in logged] != ["train l1 penalty"]:
        raise SystemExit(f"SCimilarity's L1 statement logged {logged}, expected one 'train l1 penalty'")
    l1 = logged[0][1]
    total.backward()
    # the only encoder parameters with a gradient are the ones the L1 statement reached
    penalised = [k for k, v in encoder.named_parameters() if v.grad is not None]
    params = dict(encoder.named_parameters())
    cases[name] = {
        "per_triplet": r(per.detach()),
        "triplet": float(trip),
        "mse": float(mse),
        "mixed": float(mixed),
        "l1": float(l1),
        "total": float(total),
        "grad_embeddings": r(emb.grad),
        "grad_reconstruction": r(recon.grad),
        "l1_parameters": penalised,
        "grad_l1_weight": r(params[penalised[0]].grad),
    }
if cases["EUCLIDEAN"]["l1_parameters"] != cases["SQUARED_EUCLIDEAN"]["l1_parameters"]:
    raise SystemExit("the L1 statement reached different parameters in the two cases")
with torch.no_grad():
    first = encoder0.network[0][1]
    first_layer_only = L1 * (first.weight.abs().sum() + first.bias.abs().sum()) * LR

# --- miner: SCimilarity's get_triplets_idx, hardest, across studies, labels by equality ---
m = 30
memb = rng.normal(size=(m, 3))
labels = rng.integers(0, 3, size=m)
studies = rng.integers(0, 2, size=m)
sq = (memb ** 2).sum(axis=1)
dist = -2 * memb @ memb.T + sq.reshape(1, -1) + sq.reshape(-1, 1)
mined, hard, viable = [], 0, 0
for label in sorted(set(labels.tolist())):
    mask = labels == label
    idx = np.where(mask)[0]
    if len(idx) < 2:
        continue
    neg = np.where(np.logical_not(mask))[0]
    pairs = [(a_, p_) for a_, p_ in combinations(idx, 2) if studies[a_] != studies[p_]]
    for a_, p_ in pairs:
        lv = dist[a_, p_] - dist[[a_], neg] + MARGIN
        hard += int((lv > 0).sum())
        viable += int(lv.size)
        h = int(np.argmax(lv))
        if lv[h] > 0:
            mined.append([int(a_), int(p_), int(neg[h])])

fixture = {
    "scimilarity": {
        "repository": "github.com/Genentech/scimilarity (Apache-2.0)",
        "commit": args.scimilarity_commit,
        "nn_models_sha256": sha256(NN_MODELS),
        "training_models_sha256": sha256(TRAINING_MODELS),
        "l1_statement_lines": [L1_STATEMENT.lineno, L1_STATEMENT.end_lineno],
    },
    "n": n,
    "dim": dim,
    "genes": genes,
    "encoder_hidden": HIDDEN,
    "triplet_weight": W_TRIPLET,
    "margin": MARGIN,
    "l1": L1,
    "lr": LR,
    "embeddings": r(emb0),
    "input": r(x),
    "reconstruction": r(recon0),
    "encoder_state_dict": {
        k: {"shape": list(v.shape), "values": r(v)} for k, v in state0.items() if v.is_floating_point()
    },
    "l1_first_layer_only": float(first_layer_only),
    "triplets": triplets,
    "cases": cases,
    "miner": {
        "n": m,
        "dim": 3,
        "embeddings": r(torch.from_numpy(memb)),
        "labels": labels.tolist(),
        "studies": studies.tolist(),
        "hardest_triplets": mined,
        "hard": hard,
        "viable": viable,
    },
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as fh:
    json.dump(fixture, fh, indent=1)
print("wrote", os.path.normpath(OUT))
print("L1 covers", cases["EUCLIDEAN"]["l1_parameters"], "=", cases["EUCLIDEAN"]["l1"],
      "; first Linear only would be", float(first_layer_only))
