#!/usr/bin/env python3
"""AutoAttack standard: FastRobust's `attack --attack autoattack` against AutoAttack's own PyTorch code on the same
weights and the same CIFAR-10 test images, at several ε, with both wall times.

  /usr/bin/python3 bench/autoattack_compare.py --model M.json --weights W.safetensors --autoattack-dir DIR \
      [--images 1000] [--eps 1/255,2/255,8/255] [--batch 500] [--threads 2]

DIR holds AutoAttack's package (a checkout of fra31/auto-attack: DIR/autoattack/autoattack.py); it is not part of
this repository. The images are the first N of the CIFAR-10 test split found through FASTROBUST_DATA (or data/),
written once to .npy so that both engines read the same pixels. The model is built in PyTorch from the spec and the
safetensors file (tests/FastRobust.Tests/Fixtures/fixture_common.py). Prints a markdown table."""
import argparse, json, os, subprocess, sys, tempfile, time
import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "FastRobust.Tests", "Fixtures"))
from fixture_common import build, read_safetensors  # noqa: E402

RUN = os.environ.get("FASTROBUST_CLI", os.path.join(ROOT, "run.sh")).split()


def cifar_test(n):
    roots = [os.environ.get("FASTROBUST_DATA", ""), os.path.join(ROOT, "data")]
    subs = ["cifar-10-batches-bin", "cifar10/cifar-10-batches-bin", "cifar10", "cifar10-jpeg75/cifar-10-batches-bin"]
    for r in roots:
        for s in subs:
            p = os.path.join(r, s, "test_batch.bin")
            if r and os.path.exists(p):
                raw = np.fromfile(p, dtype=np.uint8).reshape(10000, 3073)[:n]
                return raw[:, 1:].reshape(n, 3, 32, 32).astype(np.float32) / np.float32(255), raw[:, 0].astype(np.int64)
    sys.exit("CIFAR-10 test_batch.bin not found: set FASTROBUST_DATA")


def load(spec_path, weights_path):
    spec = json.load(open(spec_path))
    model = build(spec)
    state = {k: v for k, v in read_safetensors(weights_path).items() if not k.endswith("num_batches_tracked")}
    model.load_state_dict(state, strict=False)
    return model.eval()


def parse_eps(s):
    out = []
    for part in s.split(","):
        a, _, b = part.partition("/")
        out.append((part, float(a) / float(b) if b else float(a)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--autoattack-dir", required=True)
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--eps", default="1/255,2/255,8/255")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", choices=["both", "torch", "fastrobust"], default="both")
    a = ap.parse_args()
    sys.path.insert(0, a.autoattack_dir)
    from autoattack import AutoAttack

    torch.set_num_threads(a.threads)
    x, y = cifar_test(a.images)
    model = load(a.model, a.weights)
    tmp = tempfile.mkdtemp()
    np.save(os.path.join(tmp, "x.npy"), x)
    np.save(os.path.join(tmp, "y.npy"), y)
    rows = []
    for label, eps in parse_eps(a.eps):
        row = dict(eps=label)
        if a.only in ("both", "torch"):
            adversary = AutoAttack(model, norm="Linf", eps=eps, version="standard", seed=0, device="cpu")
            t0 = time.time()
            adv = adversary.run_standard_evaluation(torch.from_numpy(x), torch.from_numpy(y), bs=a.batch)
            row["torch_s"] = time.time() - t0
            with torch.no_grad():
                row["torch_clean"] = float((model(torch.from_numpy(x)).argmax(1) == torch.from_numpy(y)).float().mean()) * 100
                row["torch_robust"] = float((model(adv).argmax(1) == torch.from_numpy(y)).float().mean()) * 100
        if a.only in ("both", "fastrobust"):
            cmd = RUN + ["attack", "--model", a.model, "--weights", a.weights, "--input", os.path.join(tmp, "x.npy"),
                         "--labels", os.path.join(tmp, "y.npy"), "--attack", "autoattack", "--eps", str(np.float32(eps)),
                         "--batch", str(a.batch), "--device", "cpu", "--out", os.path.join(tmp, "adv.npy"), "--json"]
            env = dict(os.environ, FASTROBUST_THREADS=str(a.threads))
            t0 = time.time()
            out = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if out.returncode != 0:
                sys.exit(out.stdout + out.stderr)
            row["fr_s"] = time.time() - t0
            summary = json.loads(out.stdout.strip().splitlines()[-1])
            row["fr_clean"], row["fr_robust"] = summary["clean_acc"], summary["autoattack_acc"]
            row["fr_after"] = summary["robust_acc_after"]
            adv = torch.from_numpy(np.load(os.path.join(tmp, "adv.npy")))
            with torch.no_grad():
                row["fr_judged_by_torch"] = float((model(adv).argmax(1) == torch.from_numpy(y)).float().mean()) * 100
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(f"\n{a.images} CIFAR-10 test images\n")
    print("| ε | clean | FastRobust | judged by PyTorch | AutoAttack (PyTorch) | difference | FastRobust s | AutoAttack s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        d = r.get("fr_robust", float("nan")) - r.get("torch_robust", float("nan"))
        print(f"| {r['eps']} | {r.get('fr_clean', r.get('torch_clean', float('nan'))):.1f} % | {r.get('fr_robust', float('nan')):.1f} % | "
              f"{r.get('fr_judged_by_torch', float('nan')):.1f} % | {r.get('torch_robust', float('nan')):.1f} % | {d:+.1f} pp | "
              f"{r.get('fr_s', float('nan')):.0f} | {r.get('torch_s', float('nan')):.0f} |")


if __name__ == "__main__":
    main()
