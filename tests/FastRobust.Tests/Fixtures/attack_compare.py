#!/usr/bin/env python3
"""FastRobust's attacks against the PyTorch reference (attack_reference.py) at scale, and PGD-10 throughput.

  accuracy: every attack on the first 500 MNIST test images with the fixture model (attack_mnist.*): FastRobust's
            robust accuracy (from `./run.sh attack --json`), the same adversarial images re-judged by PyTorch,
            the reference's robust accuracy, and how many samples the two engines judge differently.
            /usr/bin/python3 tests/FastRobust.Tests/Fixtures/attack_compare.py accuracy [--images 500] [--only ROWS]
            --only picks rows of ACCURACY_CONFIGS by 1-based number or attack name (e.g. --only 8 or --only cw,square),
            to split a long comparison into several invocations; --range A:B runs only images A..B-1 (given to the CLI
            as .npy files; sample indices restart at 0 in both engines, so the parts of a deterministic attack such as
            cw or deepfool add up to the whole run exactly, while randomised ones draw other numbers than in one call).
            Each row gives robust accuracy and, in brackets, the count of robust images.
  speed:    PGD-10 (L∞, ε = 8/255, α = 2/255, no early stopping) image-steps per second, FastRobust's attack verb
            against a torchattacks-style PyTorch loop on the same model, images and threads, alternating rounds.
            /usr/bin/python3 tests/FastRobust.Tests/Fixtures/attack_compare.py speed --model M.json --weights W.safetensors
Prints markdown tables (recorded in bench/attacks.md)."""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np
import torch, torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack_reference as R

ROOT = os.path.abspath(os.path.join(R.HERE, "..", "..", ".."))
# the CLI to call: run.sh by default; FASTROBUST_CLI="dotnet /path/FastRobust.Cli.dll" pins a build (run.sh rebuilds
# whenever any source in the tree changes)
RUN = os.environ.get("FASTROBUST_CLI", os.path.join(ROOT, "run.sh")).split()

# (attack, options): the CLI's option names
ACCURACY_CONFIGS = [
    ("fgsm", dict(eps=0.1)),
    ("bim", dict(eps=0.1)),
    ("pgd", dict(eps=0.1)),
    ("pgd", dict(eps=0.1, random_start=False, early_stop=False)),
    ("pgd", dict(eps=0.2, target="random")),
    ("pgd-l2", dict(eps=1.5)),
    ("deepfool", dict(eps=1.5)),
    ("cw", dict(eps=1.5)),
    ("cw", dict(eps=2.5, target="least-likely", steps=200, binary_steps=5, initial_const=0.1)),
    ("apgd-ce", dict(eps=0.1)),
    ("apgd-ce", dict(eps=0.2, target="least-likely")),
    ("square", dict(eps=0.1)),
    ("square", dict(eps=0.2, target="random", steps=1000)),
    ("random-l0", dict(eps=28)),
    ("gaussian", dict(eps=0.5)),
]


def cli_args(name, o):
    a = ["--attack", name]
    for k, v in o.items():
        if k == "random_start":
            a += [] if v else ["--no-random-start"]
        elif k == "early_stop":
            a += [] if v else ["--no-early-stop"]
        elif k == "binary_steps":
            a += ["--binary-steps", str(v)]
        elif k == "initial_const":
            a += ["--initial-const", str(v)]
        else:
            a += ["--" + k, str(v)]
    return a


def ours(model_args, name, o, out, extra=()):
    cmd = [*RUN, "attack", *model_args, *cli_args(name, o), "--out", out, "--json", *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}\n{p.stderr}")
    return json.loads([l for l in p.stdout.splitlines() if l.startswith("{")][-1])


def accuracy(a):
    spec = os.path.join(R.HERE, "attack_mnist.json")
    weights = os.path.join(R.HERE, "attack_mnist.safetensors")
    model, _ = R.load_model(spec, weights)
    x, y = R.mnist_test(a.images)
    margs = ["--model", spec, "--weights", weights, "--dataset", "mnist", "--split", "test", "--limit", str(a.images), "--device", "cpu", "--seed", "0"]
    what = f"{a.images} MNIST test images"
    if a.range:
        lo, hi = (int(v) for v in a.range.split(":"))
        if not 0 <= lo < hi <= a.images:
            raise SystemExit(f"--range {a.range} is not inside 0:{a.images}")
        x, y = x[lo:hi].contiguous(), y[lo:hi].contiguous()
        what = f"MNIST test images {lo}..{hi - 1} (a part of the first {a.images}; sample indices restart at 0 in both engines)"
    print(f"{what}, model attack_mnist (FastRobust-trained small CNN), seed 0, torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    print("| attack | settings | FastRobust | its images judged by PyTorch | reference | difference | samples judged differently | FastRobust s | reference s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    picked = [(i, c) for i, c in enumerate(ACCURACY_CONFIGS, 1)
              if a.only is None or str(i) in a.only.split(",") or c[0] in a.only.split(",")]
    if not picked:
        raise SystemExit(f"--only {a.only} picks no configuration")
    with tempfile.TemporaryDirectory() as tmp:
        if a.range:  # the part goes to the CLI as .npy files
            np.save(os.path.join(tmp, "x.npy"), x.numpy())
            np.save(os.path.join(tmp, "y.npy"), y.numpy())
            margs = ["--model", spec, "--weights", weights, "--input", os.path.join(tmp, "x.npy"), "--labels", os.path.join(tmp, "y.npy"),
                     "--device", "cpu", "--seed", "0"]
        for _, (name, o) in picked:
            out = os.path.join(tmp, "adv.npy")
            js = ours(margs, name, o, out)
            adv = torch.from_numpy(np.load(out))
            with torch.no_grad():
                judged = float((model(adv).argmax(1) == y).float().mean())
            t0 = time.perf_counter()
            ref_adv, info = R.run(name, model, x, y, o, seed=0)
            t_ref = time.perf_counter() - t0
            with torch.no_grad():
                ours_pred = model(adv).argmax(1)
            differ = int(((ours_pred == y) != (info["prediction"] == y)).sum())
            settings = ", ".join(f"{k}={v}" for k, v in o.items())
            diff = 100 * (js["robust_accuracy"] - info["robust_accuracy"])
            n = len(y)
            print(f"| {name} | {settings} | {100 * js['robust_accuracy']:.1f} % ({round(n * js['robust_accuracy'])}) | {100 * judged:.1f} % "
                  f"| {100 * info['robust_accuracy']:.1f} % ({round(n * info['robust_accuracy'])}) "
                  f"| {diff:+.1f} pp | {differ} | {js['seconds']:.1f} | {t_ref:.1f} |", flush=True)


def torch_pgd10(model, x, y, eps, alpha, steps, batch):
    """The peer: torchattacks' PGD loop (random start, signed steps, projection), plus the clean and final forward
    passes FastRobust's run makes; only the clean-correct images are attacked, as FastRobust does."""
    with torch.no_grad():
        keep = model(x).argmax(1) == y
    xs, ys = x[keep], y[keep]
    for s in range(0, len(xs), batch):
        xb, yb = xs[s:s + batch], ys[s:s + batch]
        adv = (xb + torch.empty_like(xb).uniform_(-eps, eps)).clamp(0, 1)
        for _ in range(steps):
            adv.requires_grad_(True)
            (g,) = torch.autograd.grad(F.cross_entropy(model(adv), yb), adv)
            adv = adv.detach() + alpha * g.sign()
            adv = torch.clamp(xb + torch.clamp(adv - xb, -eps, eps), 0, 1)
        with torch.no_grad():
            model(adv)
    return int(keep.sum())


def cifar10_test(limit):
    """The first `limit` CIFAR-10 test images as FastRobust's DataLocator finds them under FASTROBUST_DATA."""
    root = os.environ.get("FASTROBUST_DATA", os.path.join(ROOT, "..", "shared", "data"))
    for sub in ("cifar-10-batches-bin", "cifar10/cifar-10-batches-bin", "cifar10-jpeg75/cifar-10-batches-bin"):
        path = os.path.join(root, sub, "test_batch.bin")
        if os.path.exists(path):
            raw = np.fromfile(path, dtype=np.uint8, count=limit * 3073).reshape(limit, 3073)
            x = torch.from_numpy(raw[:, 1:].reshape(limit, 3, 32, 32).astype(np.float32) / np.float32(255))
            return x, torch.from_numpy(raw[:, 0].astype(np.int64))
    raise SystemExit(f"no CIFAR-10 test_batch.bin under {root}")


def speed(a):
    torch.set_num_threads(a.threads)
    model, spec = R.load_model(a.model, a.weights)
    eps, alpha, steps = 8 / 255, 2 / 255, 10
    x, y = cifar10_test(a.images)
    margs = ["--model", a.model, "--weights", a.weights, "--dataset", "cifar10", "--limit", str(a.images), "--device", "cpu", "--batch", str(a.batch)]
    rows = {"ours": [], "torch": []}
    for r in range(a.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            js = ours(margs, "pgd", dict(eps=eps, alpha=alpha, steps=steps, early_stop=False), os.path.join(tmp, "adv.npy"))
        rows["ours"].append(js["attacked"] * steps / js["seconds"])
        t0 = time.perf_counter()
        n = torch_pgd10(model, x, y, eps, alpha, steps, a.batch)
        rows["torch"].append(n * steps / (time.perf_counter() - t0))
        print(f"round {r + 1}: FastRobust {rows['ours'][-1]:.0f} ({js['attacked']} attacked), PyTorch {rows['torch'][-1]:.0f} ({n} attacked) image-steps/s, "
              f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    o, t = statistics.median(rows["ours"]), statistics.median(rows["torch"])
    print(f"| PGD-10 on {os.path.basename(a.model)}, batch {a.batch}, {a.threads} threads, {a.rounds} rounds (medians) | {o:.0f} | {t:.0f} | {o / t:.2f}x |")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    acc = sub.add_parser("accuracy")
    acc.add_argument("--images", type=int, default=500)
    acc.add_argument("--only", default=None, help="comma-separated row numbers (1-based) or attack names")
    acc.add_argument("--range", default=None, help="A:B, only images A..B-1 of the first --images (for attacks too slow for one call)")
    sp = sub.add_parser("speed")
    sp.add_argument("--model", required=True)
    sp.add_argument("--weights", required=True)
    sp.add_argument("--images", type=int, default=1024)
    sp.add_argument("--batch", type=int, default=128)
    sp.add_argument("--threads", type=int, default=os.cpu_count())
    sp.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(os.cpu_count())
    accuracy(a) if a.mode == "accuracy" else speed(a)


if __name__ == "__main__":
    main()
