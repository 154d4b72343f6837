#!/usr/bin/env python3
"""PyTorch reference for the measures (src/FastRobust/Measures): the C# tests compare against these files.

Run with Debian's torch:  /usr/bin/python3 tests/FastRobust.Tests/Fixtures/measures_make_fixtures.py
Writes next to this script:
  measures_net.json                  the FastRobust spec of a small CNN with a batch norm after a conv, a strided conv
  measures_net.weights.safetensors   its trained-looking weights (random, batch-norm statistics non-trivial)
  measures_net.init.safetensors      "initial" weights (PyTorch init with another seed)
  measures_net.data.safetensors      x [96, 3, 8, 8] float32, labels int64
  measures_net.expect.json           every reference value (float64), by the measure's name
Everything is computed independently of FastRobust in float64: logits, the performance measures (sklearn's
definitions written out), batch norm folded as the public port's _reparam does, norms of the reshaped kernels by SVD,
the exact operator norm of every conv by an SVD of its dense matrix, Sedghi et al.'s FFT norm with numpy, and the
path norm by running the squared network on ones."""
import json, math, os
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

from fixture_common import write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float64)

SPEC = {"input": [3, 8, 8], "classes": 5, "layers": [
    {"type": "normalize", "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.2, 0.3]},
    {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1, "bias": False},
    {"type": "batchnorm2d"},
    {"type": "relu"},
    {"type": "conv2d", "out": 6, "kernel": 3, "padding": 1},
    {"type": "relu"},
    {"type": "maxpool2d", "kernel": 2},
    {"type": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1},
    {"type": "relu"},
    {"type": "flatten"},
    {"type": "linear", "out": 16},
    {"type": "relu"},
    {"type": "dropout", "p": 0.25},
    {"type": "linear", "out": 5},
]}
MEAN, STD = torch.tensor(SPEC["layers"][0]["mean"]), torch.tensor(SPEC["layers"][0]["std"])


def build():
    return nn.Sequential(
        nn.Identity(),  # normalize: applied in forward() below so the state_dict indices match the spec
        nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 8, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
        nn.Linear(32, 16), nn.ReLU(), nn.Dropout(0.25), nn.Linear(16, 5))


def forward(model, x):
    return model((x - MEAN.view(1, -1, 1, 1)) / STD.view(1, -1, 1, 1))


def f32(model):
    """Round every tensor to float32 (what the C# side loads) and keep computing in float64."""
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.dtype == torch.float64:
                t.copy_(t.float().double())
    return model


def fold(model):
    """Batch norm folded into the conv before it (the port's _reparam): weights and biases per layer, float64."""
    layers, mods = [], list(model)
    i = 0
    while i < len(mods):
        m = mods[i]
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            w = m.weight.detach().clone()
            b = m.bias.detach().clone() if m.bias is not None else torch.zeros(w.shape[0])
            if i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d):
                bn = mods[i + 1]
                s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                w = w * s.view(-1, *([1] * (w.dim() - 1)))
                b = bn.bias + (b - bn.running_mean) * s
            layers.append((i, m, w.detach(), b.detach()))
        i += 1
    return layers


def input_shapes():
    c, h, w = SPEC["input"]
    shapes = []
    for L in SPEC["layers"]:
        shapes.append((c, h, w))
        if L["type"] == "conv2d":
            k, s, p = L["kernel"], L.get("stride", 1), L.get("padding", 0)
            c, h, w = L["out"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif L["type"] == "maxpool2d":
            h, w = h // 2, w // 2
    return shapes


def operator_norm(w, shape, stride, padding):
    """Largest singular value of the dense matrix of x -> conv(x, w) on inputs of this shape."""
    c, h, wd = shape
    n = c * h * wd
    basis = torch.eye(n).view(n, c, h, wd)
    cols = F.conv2d(basis, w, stride=stride, padding=padding).reshape(n, -1)
    return torch.linalg.svdvals(cols.T)[0].item()


def fft_norm(w, h, wd):
    """Sedghi et al. 2019, as the port computes it (numpy, per-frequency SVD), at the layer's own input size."""
    k = np.einsum("oihw->hwio", w.numpy())
    t = np.fft.fft2(k, (h, wd), axes=[0, 1])
    return float(np.linalg.svd(t, compute_uv=False).max())


def main():
    torch.manual_seed(7)
    model = build()
    with torch.no_grad():
        bn = model[2]
        bn.weight.uniform_(0.5, 1.5); bn.bias.uniform_(-0.2, 0.2)
        bn.running_mean.uniform_(-0.3, 0.3); bn.running_var.uniform_(0.5, 2.0)
        for m in model:
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.mul_(2.5)  # away from the init scale, so distances are not tiny
    model = f32(model).eval()
    torch.manual_seed(8)
    init = f32(build()).eval()
    x = torch.rand(96, *SPEC["input"]).float().double()
    with torch.no_grad():
        logits = forward(model, x)
    # labels: mostly the model's own predictions (a "trained" model), the rest random
    y = logits.argmax(1)
    flip = torch.rand(96) < 0.06
    y[flip] = torch.randint(0, 5, (int(flip.sum()),))

    ex = {}
    k = SPEC["classes"]
    p = torch.softmax(logits, 1)
    pred = logits.argmax(1)
    conf = torch.zeros(k, k)
    for t, q in zip(y.tolist(), pred.tolist()):
        conf[t, q] += 1
    tp = conf.diag()
    prec = torch.where(conf.sum(0) > 0, tp / conf.sum(0).clamp(min=1), torch.zeros(k))
    rec = torch.where(conf.sum(1) > 0, tp / conf.sum(1).clamp(min=1), torch.zeros(k))
    f1 = torch.where(prec + rec > 0, 2 * prec * rec / (prec + rec).clamp(min=1e-300), torch.zeros(k))
    ex["accuracy"] = (pred == y).double().mean().item()
    ex["macro_precision"], ex["macro_recall"], ex["macro_f1"] = prec.mean().item(), rec.mean().item(), f1.mean().item()
    for c in range(k):
        ex[f"precision.class{c}"], ex[f"recall.class{c}"], ex[f"f1.class{c}"] = prec[c].item(), rec[c].item(), f1[c].item()
        for q in range(k):
            ex[f"confusion.true{c}.pred{q}"] = conf[c, q].item()
    ex["log_loss"] = F.cross_entropy(logits, y).item()
    ex["brier"] = ((p - F.one_hot(y, k)) ** 2).sum(1).mean().item()
    ex["mean_entropy"] = (-(p * torch.log_softmax(logits, 1)).sum(1)).mean().item()
    cmax, _ = p.max(1)
    edges = torch.linspace(0, 1, 16)
    ece = 0.0
    for b in range(15):
        inb = (cmax > edges[b]) & (cmax <= edges[b + 1])
        if inb.any():
            ece += inb.double().mean().item() * abs((pred[inb] == y[inb]).double().mean().item() - cmax[inb].mean().item())
    ex["ece"] = ece
    correct = logits[torch.arange(96), y]
    other = logits.clone()
    other[torch.arange(96), y] = float("-inf")
    margins = correct - other.max(1).values
    ex["margin_mean"] = margins.mean().item()
    gamma = margins.kthvalue(96 // 10)[0].item()
    ex["margin_p10"] = gamma

    layers, layers0 = fold(model), fold(init)
    shapes = input_shapes()
    fro, spec, spec_op, spec_fft, dfro, dspec = [], [], [], [], [], []
    for (i, m, w, b), (_, _, w0, _) in zip(layers, layers0):
        mat = w.reshape(w.shape[0], -1)
        sv = torch.linalg.svdvals(mat)
        d = (w - w0)
        fro.append(mat.norm().item()); spec.append(sv[0].item())
        dfro.append(d.norm().item()); dspec.append(torch.linalg.svdvals(d.reshape(d.shape[0], -1))[0].item())
        ex[f"layer{i}.fro"], ex[f"layer{i}.spec"], ex[f"layer{i}.nuclear"] = fro[-1], spec[-1], sv.sum().item()
        ex[f"layer{i}.fro_dist"], ex[f"layer{i}.spec_dist"] = dfro[-1], dspec[-1]
        if isinstance(m, nn.Conv2d):
            op = operator_norm(w, shapes[i], m.stride[0], m.padding[0])
            ff = fft_norm(w, shapes[i][1], shapes[i][2]) if m.stride[0] == 1 else float("nan")
        else:
            op = ff = spec[-1]
        spec_op.append(op); spec_fft.append(ff)
        ex[f"layer{i}.spec_op"] = op
        if not math.isnan(ff):
            ex[f"layer{i}.spec_fft"] = ff
    d = len(layers)
    lg2 = 2 * math.log(abs(gamma))
    wv = torch.cat([w.reshape(-1) for _, _, w, _ in layers])
    w0v = torch.cat([w.reshape(-1) for _, _, w, _ in layers0])
    ex["params"] = float(wv.numel())
    ex["inverse_margin"] = 1 / gamma ** 2
    ex["l2"] = wv.norm().item()
    ex["l2_dist"] = (wv - w0v).norm().item()
    ex["param_norm"] = sum(f * f for f in fro)
    ex["fro_dist"] = sum(f * f for f in dfro)
    lpf = sum(2 * math.log(f) for f in fro)
    ex["log_prod_of_fro"], ex["log_prod_of_fro_over_margin"] = lpf, lpf - lg2
    ex["log_sum_of_fro"], ex["log_sum_of_fro_over_margin"] = math.log(d) + lpf / d, math.log(d) + (lpf - lg2) / d
    for name, s in (("spec", spec), ("spec_op", spec_op)):
        lp = sum(2 * math.log(v) for v in s)
        fos = sum(f * f / (v * v) for f, v in zip(fro, s))
        ex[f"log_prod_of_{name}"], ex[f"log_prod_of_{name}_over_margin"] = lp, lp - lg2
        ex[f"log_sum_of_{name}"], ex[f"log_sum_of_{name}_over_margin"] = math.log(d) + lp / d, math.log(d) + (lp - lg2) / d
        ex[f"fro_over_{name}"] = fos
        ex[f"log_{name}_orig_main"] = lp - lg2 + math.log(fos)
        ex[f"log_{name}_init_main"] = lp - lg2 + math.log(sum(f * f / (v * v) for f, v in zip(dfro, s)))
    ex["dist_spec_init"] = sum(v * v for v in dspec)

    # path norm: the folded network, weights squared, biases zero, normalize left out, on an all-ones input
    sq = build().eval()
    with torch.no_grad():
        for (i, m, w, b) in layers:
            sq[i].weight.copy_(w ** 2)
            if sq[i].bias is not None:
                sq[i].bias.zero_()
        sq[2] = nn.Identity()
        ex["path_norm"] = sq(torch.ones(1, *SPEC["input"])).sum().item()
    ex["path_norm_over_margin"] = ex["path_norm"] / gamma ** 2

    with open(os.path.join(HERE, "measures_net.json"), "w") as f:
        json.dump(SPEC, f, indent=1)
    def state(m):
        return {k2: v.float() for k2, v in m.state_dict().items() if not k2.endswith("num_batches_tracked")}
    write_safetensors(os.path.join(HERE, "measures_net.weights.safetensors"), state(model))
    write_safetensors(os.path.join(HERE, "measures_net.init.safetensors"), state(init))
    write_safetensors(os.path.join(HERE, "measures_net.data.safetensors"), {"x": x.float(), "labels": y})
    with open(os.path.join(HERE, "measures_net.expect.json"), "w") as f:
        json.dump(ex, f, indent=1, sort_keys=True)
    print(f"wrote {len(ex)} reference values; accuracy {ex['accuracy']:.3f}, gamma {gamma:.4f}")


if __name__ == "__main__":
    main()
