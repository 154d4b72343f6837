"""The Python bridge's round trip, driven by PythonBridgeTests.cs (run with Debian's /usr/bin/python3 and python3-torch).

  bridge_roundtrip.py export DIR   builds nn.Sequentials covering every layer type with random weights and batch-norm
                                   statistics, saves each with fastrobust_torch.save into DIR/<name>/, and writes
                                   DIR/<name>/x.npy (images) and DIR/<name>/torch_logits.npy (eval-mode logits)
  bridge_roundtrip.py logits MODEL_DIR X.npy OUT.npy
                                   loads a model FastRobust wrote (fastrobust_torch.load) and writes its logits on X
  bridge_roundtrip.py table EXPORT OUT.json
                                   reads a `report --format csv|json` export with fastrobust_torch.read_table and writes
                                   each column's values as text (repr of each float, "None" for a missing value)
Exits non-zero with a message when a spec does not survive to_spec(from_spec(spec))."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
import fastrobust_torch as fr  # noqa: E402


def randomise(model):
    """Random weights and running statistics, so that a mix-up of tensors or layers changes the logits."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                t.fill_(3)
            elif name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif t.is_floating_point():
                t.copy_(torch.randn(t.shape, generator=g) * 0.3)
    return model.eval()


def models():
    cifar = nn.Sequential(
        fr.Normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26]),
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 12, 3, stride=2, padding=1, bias=False), nn.GELU(), nn.AvgPool2d(2),
        nn.Dropout(0.3), nn.Flatten(), nn.Linear(12 * 4 * 4, 16), nn.ReLU(), nn.Linear(16, 10))
    mnist = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1),
        nn.Conv2d(6, 7, 3), nn.BatchNorm2d(7), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(7, 4, bias=False))
    return {"cifar_like": (cifar, (3, 32, 32)), "mnist_like": (mnist, (1, 28, 28))}


def export(out):
    for name, (model, shape) in models().items():
        model = randomise(model)
        d = os.path.join(out, name)
        spec = fr.save(model, d, shape)
        again = fr.to_spec(fr.from_spec(spec), shape)
        if again != spec:
            sys.exit(f"{name}: to_spec(from_spec(spec)) differs from spec:\n{again}\n{spec}")
        x = torch.rand(5, *shape, generator=torch.Generator().manual_seed(1))
        np.save(os.path.join(d, "x.npy"), x.numpy())
        with torch.no_grad():
            np.save(os.path.join(d, "torch_logits.npy"), model(x).numpy())


def logits(model_dir, x_path, out):
    model = fr.load(model_dir)
    with torch.no_grad():
        np.save(out, model(torch.from_numpy(np.load(x_path))).numpy())


def table(export, out):
    import json
    df = fr.read_table(export)
    def text(v):
        if v is None or (isinstance(v, float) and v != v and export.endswith(".json")):
            return "None"
        if isinstance(v, (bool, np.bool_)):
            return str(bool(v))
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return repr(float(v))
        return str(v)
    with open(out, "w") as f:
        json.dump({c: [text(v) for v in df[c].tolist()] for c in df.columns}, f)


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    elif sys.argv[1] == "logits":
        logits(*sys.argv[2:5])
    elif sys.argv[1] == "table":
        table(*sys.argv[2:4])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
