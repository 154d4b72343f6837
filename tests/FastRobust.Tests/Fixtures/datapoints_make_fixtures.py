#!/usr/bin/env python3
"""Makes the fixtures of the datapoints tests with the reference of attack_reference.py (NumPy Philox, PyTorch model).

Run with Debian's torch:  /usr/bin/python3 tests/FastRobust.Tests/Fixtures/datapoints_make_fixtures.py
Writes datapoints_expect.json:
  draws   single steps of the random L0 scheme written here from its definition (k pixel positions drawn
          uniformly with replacement, in order, so a position drawn twice keeps its later values; every channel
          of each gets a uniform value; always on top of the original image), for several image shapes, seeds,
          steps and sample indices;
  scheme  the scheme over the first 48 MNIST test images against attack_mnist (k 120, so that many images flip; MAX_STEPS 60, seed 7,
          the datapoints verb's test-set stream): per image the clean prediction and the 1-based step of the
          first misclassified perturbation (0 when none), from attack_reference.random_l0."""
import json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack_reference as R

torch.set_num_threads(2)
HERE = R.HERE
TEST_STREAM = 0x4450_5445_5354_0000  # DatapointsPipeline.TestStream
N_SCHEME, SCHEME_STEPS, SCHEME_SEED, SCHEME_K = 48, 60, 7, 120


def draw(original, seed, base, step, g, k):
    """One step's image of sample g, from the scheme's definition (independent of attack_reference.random_l0)."""
    c, h, w = original.shape
    hw = h * w
    u = R.raw_rows(seed, R.stream_of(base, "random_pixels", step), [g], k * (1 + c))[0]
    out = original.copy().reshape(c, hw)
    for j in range(k):
        pixel = R.below(int(u[j]), hw)
        for ch in range(c):
            out[ch, pixel] = R.to_unit(np.uint32(u[k + j * c + ch]))
    return out.reshape(c, h, w)


def main():
    rng = np.random.default_rng(3)
    cases = []
    # (shape, k, seed, base, step, g): MNIST's shape at the seed's k, colour images, and a tiny image where positions collide
    for shape, k, seed, base, step, g in [((1, 28, 28), 28, 0, TEST_STREAM, 0, 0), ((1, 28, 28), 28, 0, TEST_STREAM, 1, 0),
                                          ((1, 28, 28), 28, 0, TEST_STREAM, 0, 5), ((1, 28, 28), 28, 9, 0x1234, 249, 59999),
                                          ((3, 8, 8), 5, 1, TEST_STREAM, 3, 2), ((3, 8, 8), 64, 2, 77, 0, 1),
                                          ((1, 4, 4), 12, 4, 5, 6, 3)]:
        original = rng.random(shape, dtype=np.float32)
        expected = draw(original, seed, base, step, g, k)
        cases.append(dict(shape=list(shape), k=k, seed=seed, base=str(base), step=step, sample=g,
                          original=[float(v) for v in original.flatten()], expected=[float(v) for v in expected.flatten()]))

    model, _ = R.load_model(os.path.join(HERE, "attack_mnist.json"), os.path.join(HERE, "attack_mnist.safetensors"))
    x, y = R.mnist_test(N_SCHEME)
    adv, info = R.run("random-l0", model, x, y, dict(eps=SCHEME_K, steps=SCHEME_STEPS), seed=SCHEME_SEED, base=TEST_STREAM)
    flip = [int(s) if bool(ok) else 0 for s, ok in zip(info["steps"], info["success"])]
    scheme = dict(images=N_SCHEME, k=SCHEME_K, max_steps=SCHEME_STEPS, seed=SCHEME_SEED, stream=str(TEST_STREAM),
                  labels=y.tolist(), clean_prediction=info["clean_prediction"].tolist(), steps_to_flip=flip)
    robust = sum(1 for i in range(N_SCHEME) if info["clean_prediction"][i] == y[i] and flip[i] == 0)
    print(f"scheme: {robust}/{N_SCHEME} robust, {sum(1 for f in flip if f)} flipped")
    with open(os.path.join(HERE, "datapoints_expect.json"), "w") as f:
        json.dump(dict(draws=cases, scheme=scheme), f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
