#!/usr/bin/env python3
"""The PyTorch peer of FastRobust's MNIST FGSM-RS benchmark (bench/robust-training.md): Wong et al.'s FGSM-RS loop
(fast_adversarial/MNIST/train_mnist.py: uniform start in the ε-ball clipped to [0, 1], one signed step of α,
projection onto the ball and [0, 1]) on the spec of bench/mnist-small-cnn.json, Adam, shuffled mini-batches.
Times the training loop alone, then reports clean and PGD-20 (α 0.01, random start) accuracy on the test set.

  /usr/bin/python3 bench/torch_fgsm_rs_mnist.py [--epochs 3] [--threads 2] [--clean-stats] [--eval-images 10000]

--clean-stats adds what FastRobust's trainer does besides Wong's loop: a no-grad eval forward pass of the clean
batch per step (the clean training loss and accuracy it reports), and the attack without weight gradients."""
import argparse, gzip, json, os, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "FastRobust.Tests", "Fixtures"))
from fixture_common import build  # noqa: E402


def mnist(split, root):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read()[8:], dtype=np.uint8)
    return torch.from_numpy(x.astype(np.float32) / 255), torch.from_numpy(y.astype(np.int64))


def pgd_accuracy(model, x, y, eps, alpha, steps, batch=500):
    correct = 0
    for i in range(0, len(x), batch):
        xb, yb = x[i:i + batch], y[i:i + batch]
        delta = (torch.rand_like(xb) * 2 - 1) * eps
        delta = (xb + delta).clamp(0, 1) - xb
        for _ in range(steps):
            delta.requires_grad_(True)
            loss = F.cross_entropy(model(xb + delta), yb)
            (g,) = torch.autograd.grad(loss, delta)
            delta = (delta.detach() + alpha * g.sign()).clamp(-eps, eps)
            delta = (xb + delta).clamp(0, 1) - xb
        with torch.no_grad():
            correct += int((model(xb + delta).argmax(1) == yb).sum())
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--eps", type=float, default=0.3)
    ap.add_argument("--alpha", type=float, default=0.375)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clean-stats", action="store_true")
    ap.add_argument("--eval-images", type=int, default=10000, help="test images for the clean and PGD-20 evaluation")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "data", "mnist"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = build(json.load(open(os.path.join(HERE, "mnist-small-cnn.json"))))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    x, y = mnist("train", a.data)
    xt, yt = mnist("test", a.data)
    params = list(model.parameters())
    start, cpu0 = time.perf_counter(), time.process_time()
    for epoch in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(len(x))
        tot_loss = tot_acc = n = 0
        model.train()
        for i in range(0, len(x), a.batch):
            idx = perm[i:i + a.batch]
            xb, yb = x[idx], y[idx]
            if a.clean_stats:
                with torch.no_grad():
                    model.eval()
                    model(xb)
                    model.train()
            delta = torch.zeros_like(xb).uniform_(-a.eps, a.eps)
            delta = torch.max(torch.min(1 - xb, delta), 0 - xb).requires_grad_(True)
            loss = F.cross_entropy(model(xb + delta), yb)
            if a.clean_stats:
                (g,) = torch.autograd.grad(loss, delta)
            else:  # Wong's loop: loss.backward() also fills (and later discards) the weight gradients
                loss.backward()
                g = delta.grad.detach()
            d = torch.clamp(delta.detach() + a.alpha * torch.sign(g), -a.eps, a.eps)
            d = torch.max(torch.min(1 - xb, d), 0 - xb)
            out = model(xb + d)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot_loss += float(loss) * len(yb)
            tot_acc += int((out.argmax(1) == yb).sum())
            n += len(yb)
        print(f"epoch {epoch + 1}: adv loss {tot_loss / n:.4f} adv acc {tot_acc / n:.4f} {time.perf_counter() - t0:.1f}s wall, {time.process_time() - c0:.1f}s cpu", flush=True)
    train_s, train_cpu = time.perf_counter() - start, time.process_time() - cpu0
    model.eval()
    xt, yt = xt[:a.eval_images], yt[:a.eval_images]
    with torch.no_grad():
        clean = sum(int((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum()) for i in range(0, len(xt), 1000)) / len(xt)
    robust = pgd_accuracy(model, xt, yt, a.eps, 0.01, 20)
    print(json.dumps(dict(peer=f"torch {torch.__version__}", threads=a.threads, train_seconds=train_s, train_cpu_seconds=train_cpu, clean_accuracy=clean,
                          pgd20_accuracy=robust, clean_stats=a.clean_stats)))


if __name__ == "__main__":
    main()
