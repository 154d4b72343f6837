#!/usr/bin/env python3
"""Makes the AutoAttack fixtures the C# tests compare against, with the PyTorch reference of autoattack_reference.py.

Run with Debian's torch:  /usr/bin/python3 tests/FastRobust.Tests/Fixtures/autoattack_make_fixtures.py
Model and images: those of attack_make_fixtures.py (attack_mnist, a small CNN trained by FastRobust; the first 32
MNIST test images of the bundled data/mnist). Small budgets keep the C# tests fast.
Writes autoattack_expect.json: per configuration the per-sample 'fooled' flags, the robust accuracy, and for the
ensemble the robust count after each member; plus boundary projections (FAB's step) in float64 for random problems."""
import json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack_reference as R
import autoattack_reference as A

torch.set_num_threads(2)
HERE = R.HERE
N_IMAGES = 32

# (key, attack, options): options use the CLI's names
CONFIGS = [
    ("apgd_ce_l2", "apgd-ce-l2", dict(eps=1.5, steps=30)),
    ("apgd_dlr", "apgd-dlr", dict(eps=0.1, steps=30)),
    ("apgd_dlr_l2", "apgd-dlr-l2", dict(eps=1.5, steps=30)),
    ("apgd_t", "apgd-t", dict(eps=0.1, steps=20, target_classes=3)),
    ("apgd_t1", "apgd-t", dict(eps=0.1, steps=20, target_classes=1)),
    ("apgd_t_l2", "apgd-t-l2", dict(eps=1.5, steps=20, target_classes=3)),
    ("fab_t", "fab-t", dict(eps=0.12, steps=20, target_classes=3)),
    ("fab_t1", "fab-t", dict(eps=0.12, steps=20, target_classes=1)),
    ("fab_t_l2", "fab-t-l2", dict(eps=1.5, steps=20, target_classes=3)),
    ("fab", "fab", dict(eps=0.12, steps=20, restarts=2)),
    ("fab_l2", "fab-l2", dict(eps=1.5, steps=20)),
    ("aa", "autoattack", dict(eps=0.1, steps=10)),
    ("aa_l2", "autoattack-l2", dict(eps=1.5, steps=10)),
]


def run(model, x, y, name, o):
    with torch.no_grad():
        ok = model(x).argmax(1) == y
    rows = ok.nonzero().flatten()
    fooled = torch.zeros(len(x), dtype=torch.bool)
    l2 = name.endswith("-l2")
    base = name[:-3] if l2 else name
    eps, steps = o["eps"], o["steps"]
    tc = o.get("target_classes", 9)
    xs, ys, gs = x[rows], y[rows], rows
    after = None
    if base == "autoattack":
        robust, _, after = A.autoattack(model, x, y, eps, l2, steps, log=print)
        return ~robust & ok, after
    if base == "apgd-ce":
        f, _ = A.apgd(model, xs, ys, gs, eps, l2, "ce", steps)
    elif base == "apgd-dlr":
        f, _ = A.apgd(model, xs, ys, gs, eps, l2, "dlr", steps)
    elif base == "apgd-t":
        f, _ = A.apgd(model, xs, ys, gs, eps, l2, "dlr-targeted", steps, target_classes=tc)
    elif base == "fab-t":
        f, _ = A.fab_t(model, xs, ys, gs, eps, l2, steps, target_classes=tc)
    elif base == "fab":
        f, _ = A.fab_t(model, xs, ys, gs, eps, l2, steps, restarts=o.get("restarts", 1), targeted=False)
    fooled[rows[f]] = True
    return fooled, after


def projections():
    """Random hyperplanes through or beside random points of the box, 40 coordinates, both norms, in float64."""
    g = torch.Generator().manual_seed(3)
    cases = []
    for l2 in (False, True):
        for k in range(6):
            t = torch.rand(1, 40, generator=g)
            w = torch.randn(1, 40, generator=g)
            if k == 1:
                w[0, :10] = 0  # coordinates that must not move
            if k == 2:
                t[0, :8] = 0.0
                t[0, 8:16] = 1.0  # points on the box's faces
            # k = 5: a hyperplane the box cannot reach (infeasible): b beyond the largest w·x over the box
            reach = (w.clamp(min=0).sum() if k == 5 else (w * t).sum() + (0.8 if k % 2 else -0.5) * w.abs().sum() / 8)
            b = torch.tensor([float(reach) + (1.0 if k == 5 else 0.0)])
            d = A.boundary_projection(t, w, b, l2)
            cases.append(dict(norm="l2" if l2 else "linf", t=t[0].tolist(), w=w[0].tolist(), b=float(b), d=d[0].tolist()))
    return cases


def main():
    """All configurations, or with --only KEY,KEY those alone, merged into the existing file."""
    model, _ = R.load_model(os.path.join(HERE, "attack_mnist.json"), os.path.join(HERE, "attack_mnist.safetensors"))
    x, y = R.mnist_test(N_IMAGES)
    path = os.path.join(HERE, "autoattack_expect.json")
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    out = json.load(open(path))["configs"] if only else {}
    for key, name, opts in CONFIGS:
        if only and key not in only:
            continue
        fooled, after = run(model, x, y, name, opts)
        with torch.no_grad():
            ok = model(x).argmax(1) == y
        robust = ok & ~fooled
        out[key] = dict(attack=name, options=opts, fooled=fooled.tolist(), robust_accuracy=float(robust.float().mean()), after=after)
        print(f"{key:12s} {name:14s} robust {float(robust.float().mean()):.4f}  fooled {int(fooled.sum())}/{int(ok.sum())}", flush=True)
    out = {key: out[key] for key, _, _ in CONFIGS if key in out}
    with open(path, "w") as f:
        json.dump(dict(images=N_IMAGES, seed=0, configs=out, projections=projections()), f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
