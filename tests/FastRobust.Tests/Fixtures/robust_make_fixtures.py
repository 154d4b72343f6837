#!/usr/bin/env python3
"""Makes the robust-training fixtures: PyTorch references of FastRobust's all-samples attacks and of each robust
training step, on the same weights and the same random numbers (FastRobust's Philox, re-implemented in
attack_reference.py), so the C# tests compare step by step, not only on average.

Run with Debian's torch:  /usr/bin/python3 tests/FastRobust.Tests/Fixtures/robust_make_fixtures.py
Writes:
  robust_expect.safetensors
    allsamples.<attack>      --all-samples adversarial images of attack_mnist.json on the first 8 MNIST test images,
                             the labels of the odd ones shifted by one class so that they start misclassified
    init.<name>              robust_net.json's initial weights and batch-norm statistics
    step.<method>.<name>     the weights and statistics after two SGD steps (lr 0.05) of each method, on MNIST test
                             images 0-7 then 8-15
    step.<method>.loss       the two steps' training losses
    step.<method>.adv        the first 4 images of the second step's perturbed batch
    trades.*                 TRADES' loss and its gradients for random logits
  robust_expect.json         the settings of each method"""
import json, math, os, sys
import numpy as np
import torch, torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack_reference as R
from fixture_common import build, write_safetensors

torch.set_num_threads(2)
HERE = R.HERE
SEED = 3
STREAM = 0xAD50_0000_0000_0000  # Trainer.RobustStream(0)
LR = 0.05
BATCH = 8

# (key, method, settings): eps, alpha, steps, l2, beta, sigma as RobustOptions resolves them
METHODS = [
    ("fgsm", "fgsm", dict(eps=0.1)),
    ("fgsm_rs", "fgsm-rs", dict(eps=0.1)),
    ("pgd", "pgd", dict(eps=0.1, steps=3)),
    ("pgd_l2", "pgd", dict(eps=1.0, steps=3, l2=True)),
    ("fgsm_rs_l2", "fgsm-rs", dict(eps=1.0, l2=True)),
    ("trades", "trades", dict(eps=0.1, steps=3, beta=6.0)),
    ("noise", "none", dict(sigma=0.25)),
]


class Stream:
    """PhiloxStream: each fill of n values takes the next ceil(n/4) counters."""
    def __init__(self, seed, stream):
        self.seed, self.stream, self.offset = seed, stream, 0

    def take(self, n):
        start = self.offset
        self.offset += (n + 3) // 4
        return start

    def uniform(self, shape, lo, hi):
        n = int(np.prod(shape))
        u = R.to_unit(R.raw(self.seed, self.stream, self.take(n), n))
        lo32, span = np.float32(lo), np.float32(np.float32(hi) - np.float32(lo))
        return torch.from_numpy((lo32 + span * u).astype(np.float32)).view(shape)

    def normal(self, shape, mean, std):
        n = int(np.prod(shape))
        first = self.take(n)
        blocks = (n + 3) // 4
        r0, r1, r2, r3 = (a.astype(np.uint32) for a in R.philox(self.seed, self.stream, np.arange(blocks, dtype=np.uint64) + np.uint64(first)))
        z = np.stack([R.box_muller(r0, r1, False), R.box_muller(r0, r1, True), R.box_muller(r2, r3, False), R.box_muller(r2, r3, True)], axis=1).reshape(-1)[:n]
        return torch.from_numpy((np.float32(mean) + np.float32(std) * z).astype(np.float32)).view(shape)


def resolve(method, s):
    s = dict(s)
    s.setdefault("l2", False)
    if method == "none":
        return s
    steps = s.setdefault("steps", 1)
    eps = np.float32(s["eps"])
    if "alpha" not in s:
        s["alpha"] = float(eps if method == "fgsm" else np.float32(1.25) * eps if method == "fgsm-rs" else np.float32(2.5) * eps / np.float32(steps))
    return s


def row_norm(t):
    return t.flatten(1).norm(dim=1).view(-1, *([1] * (t.dim() - 1)))


def perturb(model, x, y, method, s, rng):
    """The training attack (TrainingAttack.cs) in eval mode, every sample through every step."""
    eps, l2 = s["eps"], s["l2"]
    if method in ("fgsm-rs", "pgd"):
        if not l2:
            adv = (x + rng.uniform(x.shape, -eps, eps)).clamp(0, 1)
        else:
            z = rng.normal(x.shape, 0, 1)
            radius = rng.uniform((len(x),), 0, eps)
            adv = (x + z * (radius / z.flatten(1).norm(dim=1)).view(-1, 1, 1, 1)).clamp(0, 1)
    elif method == "trades":
        adv = x + 0.001 * rng.normal(x.shape, 0, 1)  # trades.py: not clipped before the first step
    else:
        adv = x.clone()
    with torch.no_grad():
        p_clean = F.softmax(model(x), dim=1) if method == "trades" else None
    for _ in range(s["steps"]):
        a = adv.clone().requires_grad_(True)
        logits = model(a)
        if method == "trades":
            loss = F.kl_div(F.log_softmax(logits, dim=1), p_clean, reduction="sum")
        else:
            loss = F.cross_entropy(logits, y, reduction="sum")
        (g,) = torch.autograd.grad(loss, a)
        if not l2:
            adv = torch.min(torch.max(adv + s["alpha"] * g.sign(), x - eps), x + eps).clamp(0, 1)
        else:
            adv = adv + s["alpha"] * g / (row_norm(g) + 1e-10)
            delta = adv - x
            factor = torch.clamp(eps / row_norm(delta), max=1.0)
            adv = (x + delta * factor).clamp(0, 1)
    return adv.detach()


def trades_loss(clean, adv, y, beta):
    """trades.py: CE(f(x), y) + beta * KLDivLoss(sum)(log_softmax f(x'), softmax f(x)) / N."""
    kl = F.kl_div(F.log_softmax(adv, dim=1), F.softmax(clean, dim=1), reduction="sum") / len(y)
    return F.cross_entropy(clean, y) + beta * kl, kl


def train_step(model, opt, x, y, method, s, rng):
    if method != "none":
        model.eval()
        for p in model.parameters():
            p.requires_grad_(False)
        adv = perturb(model, x, y, method, s, rng)
        for p in model.parameters():
            p.requires_grad_(True)
    else:
        adv = (x + rng.normal(x.shape, 0, s["sigma"])).clamp(0, 1)
    model.train()
    opt.zero_grad()
    if method == "trades":
        loss, _ = trades_loss(model(x), model(adv), y, s["beta"])  # the clean batch runs once (FastRobust's choice)
    else:
        loss = F.cross_entropy(model(adv), y)
    loss.backward()
    opt.step()
    return float(loss), adv


def all_samples(out):
    model, _ = R.load_model(os.path.join(HERE, "attack_mnist.json"), os.path.join(HERE, "attack_mnist.safetensors"))
    x, y = R.mnist_test(8)
    y = y.clone()
    y[1::2] = (y[1::2] + 1) % 10
    out["allsamples.labels"] = y.float()
    gidx = torch.arange(len(x))
    ctx = R.Ctx(model, y, gidx, False, 0, R.CLI_STREAM)
    for key, name, o in [("fgsm", "fgsm", dict(eps=0.1)), ("pgd", "pgd", dict(eps=0.1)), ("pgd_l2", "pgd-l2", dict(eps=1.5))]:
        o = R.defaults(name, o)
        adv, _ = R.pgd(ctx, x, o["eps"], o["alpha"], o["steps"], o.get("random_start", True), 1, False, name == "pgd-l2")
        out[f"allsamples.{key}"] = adv


def main():
    out = {}
    all_samples(out)
    spec = json.load(open(os.path.join(HERE, "robust_net.json")))
    torch.manual_seed(16)
    net = build(spec)
    with torch.no_grad():  # non-trivial batch-norm statistics and affine parameters
        net[2].running_mean.uniform_(-0.2, 0.2)
        net[2].running_var.uniform_(0.5, 1.5)
        net[2].weight.uniform_(0.5, 1.5)
        net[2].bias.uniform_(-0.1, 0.1)
    init = {k: v.clone() for k, v in net.state_dict().items()}
    for k, v in init.items():
        out[f"init.{k}"] = v
    x, y = R.mnist_test(2 * BATCH)
    settings = {}
    for key, method, s in METHODS:
        s = resolve(method, s)
        settings[key] = dict(method=method, **s)
        net.load_state_dict(init)
        opt = torch.optim.SGD(net.parameters(), lr=LR)
        rng = Stream(SEED, STREAM)
        losses = []
        for b in range(2):
            loss, adv = train_step(net, opt, x[b * BATCH:(b + 1) * BATCH], y[b * BATCH:(b + 1) * BATCH], method, s, rng)
            losses.append(loss)
        for k, v in net.state_dict().items():
            out[f"step.{key}.{k}"] = v.clone()
        out[f"step.{key}.loss"] = torch.tensor(losses, dtype=torch.float32)
        out[f"step.{key}.adv"] = adv[:4]
    # TRADES' loss and gradients on random logits
    g = torch.Generator().manual_seed(5)
    clean = (torch.randn(6, 10, generator=g) * 2).requires_grad_(True)
    adv = (clean.detach() + torch.randn(6, 10, generator=g)).requires_grad_(True)
    yy = torch.randint(0, 10, (6,), generator=g)
    total, kl = trades_loss(clean, adv, yy, 6.0)
    total.backward()
    out.update({"trades.clean": clean.detach(), "trades.adv": adv.detach(), "trades.labels": yy.float(),
                "trades.total": total.detach().view(1), "trades.kl": kl.detach().view(1),
                "trades.grad_clean": clean.grad, "trades.grad_adv": adv.grad})
    for k in list(out):  # FastRobust reads F32 tensors (labels included)
        if k.endswith("num_batches_tracked"):
            del out[k]
    write_safetensors(os.path.join(HERE, "robust_expect.safetensors"), out)
    with open(os.path.join(HERE, "robust_expect.json"), "w") as f:
        json.dump(dict(seed=SEED, stream=str(STREAM), lr=LR, batch=BATCH, methods=settings), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
