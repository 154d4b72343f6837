#!/usr/bin/python3
"""Times make_cifar_c.py's corruptions in Python (for bench/shifts.md): the operations of shift_make_fixtures.py,
drawing from np.random as the original does, on N CIFAR-10 test images per severity, one process, one thread.
Frost reads the original's photographs from FROST_DIR (frost1.png ... frost5.jpg of hendrycks/robustness) when set.
Prints seconds per image-corruption and the projection to the full 10,000 x 19 x 5 set.

Run: OMP_NUM_THREADS=1 /usr/bin/python3 tests/FastRobust.Tests/Fixtures/shift_time_original.py [N]
"""
import os
import sys
import time

import cv2
import numpy as np
from PIL import Image as PILImage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shift_make_fixtures as F  # noqa: E402


class NumpyRng:
    """The original's randomness (np.random) behind the interface the reference functions call."""

    def normals(self, field, n):
        return np.random.normal(size=n).astype(np.float32)

    def uniforms(self, field, n, start=0):
        return np.random.uniform(size=n)

    def uniform(self, field, i=0):
        return np.random.uniform()

    def block(self, field, i):
        return [int(v) for v in np.random.randint(0, 2 ** 32, size=4, dtype=np.uint64)]


def shot_noise(x, s, rng):
    c = [500, 250, 100, 75, 50][s - 1]
    x = np.array(x) / 255.
    return np.clip(np.random.poisson(x * c) / c, 0, 1) * 255


def frost(x, s, rng):
    c = [(1, 0.2), (1, 0.3), (0.9, 0.4), (0.85, 0.4), (0.75, 0.45)][s - 1]
    idx = np.random.randint(5)
    name = ['frost1.png', 'frost2.png', 'frost3.png', 'frost4.jpg', 'frost5.jpg'][idx]
    photo = cv2.imread(os.path.join(os.environ["FROST_DIR"], name))
    photo = cv2.resize(photo, (0, 0), fx=0.2, fy=0.2)
    a, b = np.random.randint(0, photo.shape[0] - 32), np.random.randint(0, photo.shape[1] - 32)
    return np.clip(c[0] * np.array(x) + c[1] * photo[a:a + 32, b:b + 32][..., [2, 1, 0]], 0, 255)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    batch = os.path.join(os.environ.get("FASTROBUST_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")), "cifar10-jpeg75/cifar-10-batches-bin/test_batch.bin")
    raw = np.fromfile(batch, dtype=np.uint8).reshape(-1, 3073)[:n, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    images = [PILImage.fromarray(im) for im in raw]
    funcs = dict(F.FUNCS, shot_noise=shot_noise)
    if "FROST_DIR" in os.environ:
        funcs["frost"] = frost
    else:
        del funcs["frost"]
    rng = NumpyRng()
    total = 0.0
    for name, f in funcs.items():
        start = time.perf_counter()
        for s in range(1, 6):
            for im in images:
                np.uint8(f(im, s, rng))
        sec = (time.perf_counter() - start) / (5 * n)
        total += sec
        print(f"{name:18s} {sec * 1e3:8.2f} ms per image  ({sec * 5e4 / 60:7.1f} min for 10,000 x 5)", flush=True)
    count = len(funcs)
    print(f"{'all ' + str(count):18s} {total * 5e4 / 3600:8.2f} h for 10,000 x 5 x {count} corruptions, one core")


if __name__ == "__main__":
    main()
