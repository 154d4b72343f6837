#!/usr/bin/env python3
"""Makes the attack fixtures the C# tests compare against, with the PyTorch reference of attack_reference.py.

Run with Debian's torch:  /usr/bin/python3 tests/FastRobust.Tests/Fixtures/attack_make_fixtures.py
Model: attack_mnist.json + attack_mnist.safetensors, a small CNN trained by FastRobust itself with
  ./run.sh train --dataset mnist --model custom-cnn:depth=2,width=8,hidden=32 --epochs 2 --batch 64
        --optimizer adam --lr 0.002 --device cpu --seed 5 --out DIR        (98.40 % test accuracy)
Images: the first 32 MNIST test images of the bundled data/mnist.
Writes:
  attack_expect.safetensors  adversarial images of the first 16 images for the deterministic gradient attacks
                             (FGSM, PGD without random start and without early stopping, L∞, L2, targeted)
  attack_expect.json         per-sample outcomes (success, prediction, steps, L2 norm) of every attack
                             configuration on all 32 images, and Philox known answers."""
import json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack_reference as R

torch.set_num_threads(2)
HERE = R.HERE
N_IMAGES, N_PIXELS = 32, 16

# every configuration the tests replay: (key, attack, options); options use the CLI's names
CONFIGS = [
    ("fgsm", "fgsm", dict(eps=0.1)),
    ("fgsm_ll", "fgsm", dict(eps=0.15, target="least-likely")),
    ("bim", "bim", dict(eps=0.1)),
    ("pgd_nors", "pgd", dict(eps=0.1, random_start=False, early_stop=False)),
    ("pgd_nors_es", "pgd", dict(eps=0.1, random_start=False)),
    ("pgd", "pgd", dict(eps=0.1)),
    ("pgd_restarts", "pgd", dict(eps=0.08, restarts=3)),
    ("pgd_random_target", "pgd", dict(eps=0.2, target="random", steps=20)),
    ("pgd_ll", "pgd", dict(eps=0.15, target="least-likely", random_start=False, early_stop=False)),
    ("pgdl2_nors", "pgd-l2", dict(eps=1.5, random_start=False, early_stop=False)),
    ("pgdl2", "pgd-l2", dict(eps=1.5)),
    ("deepfool", "deepfool", dict()),
    ("deepfool_eps", "deepfool", dict(eps=1.2)),
    ("cw", "cw", dict(steps=100, binary_steps=5, initial_const=0.1)),
    ("cw_target", "cw", dict(steps=100, binary_steps=4, initial_const=0.1, target="3", confidence=1.0)),
    ("apgd", "apgd-ce", dict(eps=0.1, steps=50)),
    ("apgd_restarts", "apgd-ce", dict(eps=0.08, steps=30, restarts=2)),
    ("apgd_ll", "apgd-ce", dict(eps=0.15, steps=50, target="least-likely")),
    ("square", "square", dict(eps=0.15, steps=300)),
    ("square_target", "square", dict(eps=0.25, steps=200, target="random")),
    ("random_l0", "random-l0", dict(eps=28, steps=100)),
    ("gaussian", "gaussian", dict(eps=0.5, restarts=3)),
]
IMAGE_KEYS = ["fgsm", "pgd_nors", "pgdl2_nors", "pgd_ll"]


def main():
    model, spec = R.load_model(os.path.join(HERE, "attack_mnist.json"), os.path.join(HERE, "attack_mnist.safetensors"))
    x, y = R.mnist_test(N_IMAGES)
    images, outcomes = {}, {}
    for key, name, opts in CONFIGS:
        adv, info = R.run(name, model, x, y, opts, seed=0)
        l2 = (adv - x).flatten(1).norm(dim=1)
        outcomes[key] = dict(attack=name, options=opts, robust_accuracy=info["robust_accuracy"],
                             success=info["success"].tolist(), prediction=info["prediction"].tolist(),
                             attacked=info["attacked"].tolist(), steps=info["steps"].tolist(), l2=[round(float(v), 6) for v in l2],
                             targets=None if info["targets"] is None else info["targets"].tolist())
        if key in IMAGE_KEYS:
            images[key] = adv[:N_PIXELS].contiguous()
        print(f"{key:18s} {name:10s} robust {info['robust_accuracy']:.4f}  success {int(info['success'].sum())}/{int(info['attacked'].sum())} attacked")
    known = dict(
        raw=R.raw(7, 11, 3, 10).tolist(),
        uniform=R.uniform_rows(5, 9, [4], 7, -0.25, 0.5)[0].tolist(),
        normal=R.normal_rows(5, 9, [4], 7, 0.5, 2.0)[0].tolist(),
        stream=str(R.stream_of(R.CLI_STREAM, "square_step", 3)),
    )
    R.write_safetensors(os.path.join(HERE, "attack_expect.safetensors"), images)
    with open(os.path.join(HERE, "attack_expect.json"), "w") as f:
        json.dump(dict(images=N_IMAGES, pixel_images=N_PIXELS, seed=0, configs=outcomes, philox=known), f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
