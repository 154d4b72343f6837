#!/usr/bin/python3
"""Reference outputs for the CIFAR-10-C corruptions (tests/FastRobust.Tests/Shifts/).

Each corruption of Hendrycks & Dietterich's make_cifar_c.py is re-run here with the libraries it calls
(numpy, scikit-image, scipy.ndimage, OpenCV, Pillow, ImageMagick through Wand), on two CIFAR-10 test images,
at severities 1-5 and with the CIFAR parameters. Only the source of randomness differs: where the original
draws from np.random, this script draws the same quantities from FastRobust's Philox layout (ported below:
key = seed, stream = (corruption + 1) << 56 | severity << 48 | image, field f at counter f << 40), so the C#
implementation and the original operations see the same noise and their outputs can be compared pixel for
pixel. Frost's photographs are replaced by FastRobust's procedural texture (ported below as well), and
spatter's 8-bit liquid layer saturates where the original's (liquid * 255).astype(np.uint8) wraps around
(values above 1, a few pixels in a few percent of images at severity 3).

Writes (into this folder):
  shift_images.npy      uint8 [48, 3, 32, 32]  CIFAR-10 test images 0, 7 (the two references) and 100-145, CHW
  shift_reference.npy   uint8 [19, 5, 2, 3, 32, 32]  np.uint8(corruption(image)), corruptions in make_cifar_c.py order
  shift_q75.jpg         a Pillow JPEG (quality 75, 4:2:0) of image 0, and shift_q75_pixels.npy its Pillow decode
  shift_gray_q50.jpg    a Pillow grey JPEG (quality 50) of a 28 x 28 crop, and shift_gray_q50_pixels.npy
  shift_pil_q{80,40}.jpg  Pillow's files for image 1 at two qualities (our encoder must write the same bytes)

Needs Debian's python3-numpy python3-scipy python3-skimage python3-opencv python3-pil python3-wand.
Run: /usr/bin/python3 tests/FastRobust.Tests/Fixtures/shift_make_fixtures.py [path/to/test_batch.bin]
"""
import ctypes
import math
import os
import sys
from io import BytesIO

import cv2
import numpy as np
import skimage as sk
import skimage.color  # noqa: F401
from PIL import Image as PILImage
from scipy.ndimage import map_coordinates
from scipy.ndimage import zoom as scizoom
from skimage.filters import gaussian
from wand.api import library as wandlibrary
from wand.image import Image as WandImage

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20190301
NAMES = ["gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur", "zoom_blur",
         "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate", "jpeg_compression",
         "speckle_noise", "gaussian_blur", "spatter", "saturate"]

# ---------------------------------------------------------------- Philox-4x32-10, FastRobust's layout
M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox(seed, stream, offsets):
    """Blocks at counters `offsets` (uint64 array): four uint32 lanes each."""
    offsets = np.asarray(offsets, dtype=np.uint64)
    c0 = offsets & np.uint64(MASK)
    c1 = offsets >> np.uint64(32)
    c2 = np.full_like(c0, stream & MASK)
    c3 = np.full_like(c0, stream >> 32)
    k0, k1 = seed & MASK, seed >> 32
    for _ in range(10):
        p0 = np.uint64(M0) * c0
        p1 = np.uint64(M1) * c2
        hi0, lo0 = p0 >> np.uint64(32), p0 & np.uint64(MASK)
        hi1, lo1 = p1 >> np.uint64(32), p1 & np.uint64(MASK)
        c0, c1, c2, c3 = hi1 ^ c1 ^ np.uint64(k0), lo1, hi0 ^ c3 ^ np.uint64(k1), lo0
        k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
    return [c.astype(np.uint64) for c in (c0, c1, c2, c3)]


# Random123's known-answer vector, as tests/FastRobust.Tests/Ops/PhiloxTests.cs checks it
assert [int(v[0]) for v in philox(0x299f31d0a4093822, 0x0370734413198a2e, [0x85a308d3243f6a88])] == \
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]


class Rng:
    def __init__(self, corruption, severity, image):
        self.seed = SEED
        self.stream = ((corruption + 1) << 56) | (severity << 48) | image

    def block(self, field, i):
        return [int(v[0]) for v in philox(self.seed, self.stream, [(field << 40) + i])]

    def normals(self, field, n):
        """Philox.Normal: Box-Muller on lanes (0, 1) and (2, 3), cosine then sine, float32."""
        blocks = philox(self.seed, self.stream, [(field << 40) + b for b in range((n + 3) // 4)])
        out = np.empty(((n + 3) // 4) * 4, dtype=np.float32)
        for b in range(len(blocks[0])):
            r = [int(x[b]) for x in blocks]
            for pair in range(2):
                ua, ub = r[2 * pair], r[2 * pair + 1]
                radius = math.sqrt(-2.0 * math.log(((ua >> 8) + 1) * (1.0 / 16777216.0)))
                angle = 2.0 * math.pi * ((ub >> 8) * (1.0 / 16777216.0))
                out[4 * b + 2 * pair] = np.float32(radius * math.cos(angle))
                out[4 * b + 2 * pair + 1] = np.float32(radius * math.sin(angle))
        return out[:n]

    def uniforms(self, field, n, start=0):
        """53-bit doubles from lanes 0 and 1 of blocks start .. start + n - 1."""
        r0, r1, _, _ = philox(self.seed, self.stream, [(field << 40) + start + i for i in range(n)])
        return ((r0 >> np.uint64(5)).astype(np.float64) * 67108864.0 + (r1 >> np.uint64(6)).astype(np.float64)) / 9007199254740992.0

    def uniform(self, field, i=0):
        return float(self.uniforms(field, 1, i)[0])


def below(u, n):
    return ((u >> 8) * n) >> 24


def to_double(a, b):
    return ((a >> 5) * 67108864.0 + (b >> 6)) / 9007199254740992.0


# ---------------------------------------------------------------- helpers of make_cifar_c.py (same library calls)
wandlibrary.MagickMotionBlurImage.argtypes = (ctypes.c_void_p, ctypes.c_double, ctypes.c_double, ctypes.c_double)


def motion_blur_png(img, radius, sigma, angle):
    """PNG -> Wand -> MagickMotionBlurImage -> PNG -> cv2, as the original; img uint8 HxW or HxWx3 (RGB)."""
    out = BytesIO()
    PILImage.fromarray(img).save(out, format="PNG")
    w = WandImage(blob=out.getvalue())
    wandlibrary.MagickMotionBlurImage(w.wand, radius, sigma, angle)
    res = cv2.imdecode(np.frombuffer(w.make_blob(), np.uint8), cv2.IMREAD_UNCHANGED)
    if img.ndim == 3:
        return res[..., [2, 1, 0]] if res.ndim == 3 else np.stack([res] * 3, -1)
    return res


def disk(radius, alias_blur=0.1, dtype=np.float32):
    L = np.arange(-8, 8 + 1)
    X, Y = np.meshgrid(L, L)
    d = np.array((X ** 2 + Y ** 2) <= radius ** 2, dtype=dtype)
    d /= np.sum(d)
    return cv2.GaussianBlur(d, ksize=(3, 3), sigmaX=alias_blur)


def plasma_fractal(uniform, mapsize=32, wibbledecay=3):
    """Diamond-square as the original; `uniform(shape)` replaces np.random.uniform(0, 1)."""
    maparray = np.empty((mapsize, mapsize), dtype=np.float64)
    maparray[0, 0] = 0
    stepsize = mapsize
    wibble = 100.0

    def wibbledmean(array):
        return array / 4 + wibble * (-wibble + (wibble - -wibble) * uniform(array.shape))

    while stepsize >= 2:
        half = stepsize // 2
        cornerref = maparray[0:mapsize:stepsize, 0:mapsize:stepsize]
        squareaccum = cornerref + np.roll(cornerref, shift=-1, axis=0)
        squareaccum += np.roll(squareaccum, shift=-1, axis=1)
        maparray[half:mapsize:stepsize, half:mapsize:stepsize] = wibbledmean(squareaccum)
        drgrid = maparray[half:mapsize:stepsize, half:mapsize:stepsize]
        ulgrid = maparray[0:mapsize:stepsize, 0:mapsize:stepsize]
        ltsum = (drgrid + np.roll(drgrid, 1, axis=0)) + (ulgrid + np.roll(ulgrid, -1, axis=1))
        maparray[0:mapsize:stepsize, half:mapsize:stepsize] = wibbledmean(ltsum)
        ttsum = (drgrid + np.roll(drgrid, 1, axis=1)) + (ulgrid + np.roll(ulgrid, -1, axis=0))
        maparray[half:mapsize:stepsize, 0:mapsize:stepsize] = wibbledmean(ttsum)
        stepsize //= 2
        wibble /= wibbledecay
    maparray -= maparray.min()
    return maparray / maparray.max()


def counter_uniform(rng, field):
    state = {"next": 0}

    def draw(shape):
        n = int(np.prod(shape))
        u = rng.uniforms(field, n, state["next"]).reshape(shape)
        state["next"] += n
        return u
    return draw


def clipped_zoom(img, zoom_factor):
    h = img.shape[0]
    ch = int(np.ceil(h / zoom_factor))
    top = (h - ch) // 2
    img = scizoom(img[top:top + ch, top:top + ch], (zoom_factor, zoom_factor, 1), order=1)
    trim_top = (img.shape[0] - h) // 2
    return img[trim_top:trim_top + h, trim_top:trim_top + h]


# ---------------------------------------------------------------- Poisson sampler (FastRobust's, for shot noise)
STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400, 43867 / 244188,
            -174611 / 125400]


def log_gamma(x):
    if x == 1.0 or x == 2.0:
        return 0.0
    n = int(7 - x) if x < 7.0 else 0
    x0 = x + n
    x2 = 1.0 / x0 * (1.0 / x0)
    s = STIRLING[9]
    for k in range(8, -1, -1):
        s = s * x2 + STIRLING[k]
    gl = s / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * math.log(x0) - x0
    for _ in range(n):
        gl -= math.log(x0 - 1.0)
        x0 -= 1.0
    return gl


def poisson(lam, rng, element):
    def pair(t):
        r = rng.block(0, element * 64 + t)
        return to_double(r[0], r[1]), to_double(r[2], r[3])
    if not lam > 0:
        return 0
    if lam < 10:
        u, _ = pair(0)
        p = math.exp(-lam)
        cdf, k = p, 0
        while u > cdf and k < 200:
            k += 1
            p *= lam / k
            cdf += p
        return k
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    for t in range(64):
        u0, v = pair(t)
        u = u0 - 0.5
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= -lam + k * loglam - log_gamma(k + 1):
            return k
    return round(lam)


# ---------------------------------------------------------------- FastRobust's procedural frost (ported)
PLATES = [((77.8, 148.5, 164.9), (21.5, 13.1, 12.5), (17.1, 9.4, 7.6), 0.6, 1),
          ((198.0, 202.3, 211.6), (17.9, 18.2, 18.8), (7.9, 8.6, 9.2), 0.8, -1),
          ((198.0, 202.3, 211.6), (17.9, 18.2, 18.8), (7.9, 8.6, 9.2), 0.8, -1),
          ((142.5, 157.3, 170.0), (25.7, 25.8, 26.8), (10.5, 10.4, 11.1), 1.05, 1),
          ((103.7, 115.0, 126.8), (34.3, 33.9, 33.2), (17.5, 16.9, 15.9), 0.9, 1)]


def frost_texture(rng, h=32, w=32):
    plate = PLATES[below(rng.block(0, 0)[0], 5)]
    haze = plasma_fractal(counter_uniform(rng, 1), 32, 2.0)
    field = np.zeros((h, w))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)

    def segment(cx, cy, theta, length, a):
        dx, dy = math.cos(theta), math.sin(theta)
        px, py = xs - cx, ys - cy
        t = np.clip(px * dx + py * dy, -length / 2, length / 2)
        ex, ey = px - t * dx, py - t * dy
        half_reach = length / 2 + 1.5
        inside = (xs >= math.floor(cx - half_reach)) & (xs <= math.ceil(cx + half_reach)) & \
                 (ys >= math.floor(cy - half_reach)) & (ys <= math.ceil(cy + half_reach))
        return np.where(inside, a * np.exp(-(ex * ex + ey * ey) * (1.0 / (2 * 0.5 * 0.5))), 0.0)

    for k in range(20):
        u = rng.uniforms(2, 16, 16 * k)
        cx, cy, theta, length, a = -2 + (w + 4) * u[0], -2 + (h + 4) * u[1], math.pi * u[2], 3 + 7 * u[3], 0.5 + 0.5 * u[4]
        field += segment(cx, cy, theta, length, a)
        for b in range(2):
            t = (-0.4 + 0.8 * u[5 + 2 * b]) * length
            side = -1 if u[6 + 2 * b] < 0.5 else 1
            bt = theta + side * math.pi / 3
            field += segment(cx + t * math.cos(theta) + 0.25 * length * math.cos(bt),
                             cy + t * math.sin(theta) + 0.25 * length * math.sin(bt), bt, 0.5 * length, 0.7 * a)

    def standardise(v):
        sd = v.std()
        return (v - v.mean()) / sd if sd > 1e-12 else v * 0

    grain = rng.normals(3, h * w).astype(np.float64).reshape(h, w)
    texture = standardise(0.5 * standardise(haze[:h, :w]) + 0.8 * standardise(field) + plate[3] * grain)
    level = float(rng.normals(4, 1)[0])
    return np.stack([np.clip(plate[0][c] + plate[2][c] * level + plate[1][c] * plate[4] * texture, 0, 255)
                     for c in range(3)], -1)


# ---------------------------------------------------------------- the corruptions (make_cifar_c.py, CIFAR parameters)
def gaussian_noise(x, s, rng):
    c = [0.04, 0.06, .08, .09, .10][s - 1]
    x = np.array(x) / 255.
    n = rng.normals(0, 3 * 32 * 32).reshape(3, 32, 32).transpose(1, 2, 0).astype(np.float64)
    return np.clip(x + n * c, 0, 1) * 255


def shot_noise(x, s, rng):
    c = [500, 250, 100, 75, 50][s - 1]
    x = np.array(x) / 255.
    chw = x.transpose(2, 0, 1).reshape(-1)
    counts = np.array([poisson(v * c, rng, i) for i, v in enumerate(chw)], dtype=np.float64)
    return np.clip(counts.reshape(3, 32, 32).transpose(1, 2, 0) / c, 0, 1) * 255


def impulse_noise(x, s, rng):
    c = [.01, .02, .03, .05, .07][s - 1]
    x = np.array(x) / 255.
    u = rng.uniforms(0, 3 * 32 * 32).reshape(3, 32, 32).transpose(1, 2, 0)
    out = x.copy()
    out[(u < c) & (u < c / 2)] = 1
    out[(u < c) & (u >= c / 2)] = 0
    return np.clip(out, 0, 1) * 255


def speckle_noise(x, s, rng):
    c = [.06, .1, .12, .16, .2][s - 1]
    x = np.array(x) / 255.
    n = rng.normals(0, 3 * 32 * 32).reshape(3, 32, 32).transpose(1, 2, 0).astype(np.float64)
    return np.clip(x + x * (n * c), 0, 1) * 255


def gaussian_blur(x, s, rng):
    c = [.4, .6, 0.7, .8, 1][s - 1]
    x = gaussian(np.array(x) / 255., sigma=c, multichannel=True)
    return np.clip(x, 0, 1) * 255


def glass_blur(x, s, rng):
    c = [(0.05, 1, 1), (0.25, 1, 1), (0.4, 1, 1), (0.25, 1, 2), (0.4, 1, 2)][s - 1]
    x = np.uint8(gaussian(np.array(x) / 255., sigma=c[0], multichannel=True) * 255)
    k = 0
    for i in range(c[2]):
        for h in range(32 - c[1], c[1], -1):
            for w in range(32 - c[1], c[1], -1):
                r = rng.block(0, k)
                k += 1
                dx, dy = below(r[0], 2 * c[1]) - c[1], below(r[1], 2 * c[1]) - c[1]
                h_prime, w_prime = h + dy, w + dx
                x[h, w], x[h_prime, w_prime] = x[h_prime, w_prime], x[h, w]
    return np.clip(gaussian(x / 255., sigma=c[0], multichannel=True), 0, 1) * 255


def defocus_blur(x, s, rng):
    c = [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1)][s - 1]
    x = np.array(x) / 255.
    kernel = disk(radius=c[0], alias_blur=c[1])
    channels = [cv2.filter2D(x[:, :, d], -1, kernel) for d in range(3)]
    return np.clip(np.array(channels).transpose((1, 2, 0)), 0, 1) * 255


def motion_blur(x, s, rng):
    c = [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)][s - 1]
    angle = -45 + (45 - -45) * rng.uniform(0)
    return np.clip(motion_blur_png(np.array(x), c[0], c[1], angle), 0, 255)


def zoom_blur(x, s, rng):
    c = [np.arange(1, 1.06, 0.01), np.arange(1, 1.11, 0.01), np.arange(1, 1.16, 0.01),
         np.arange(1, 1.21, 0.01), np.arange(1, 1.26, 0.01)][s - 1]
    x = (np.array(x) / 255.).astype(np.float32)
    out = np.zeros_like(x)
    for zoom_factor in c:
        out += clipped_zoom(x, zoom_factor)
    x = (x + out) / (len(c) + 1)
    return np.clip(x, 0, 1) * 255


def snow(x, s, rng):
    c = [(0.1, 0.2, 1, 0.6, 8, 3, 0.95), (0.1, 0.2, 1, 0.5, 10, 4, 0.9), (0.15, 0.3, 1.75, 0.55, 10, 4, 0.9),
         (0.25, 0.3, 2.25, 0.6, 12, 6, 0.85), (0.3, 0.3, 1.25, 0.65, 14, 12, 0.8)][s - 1]
    x = np.array(x, dtype=np.float32) / 255.
    snow_layer = c[0] + c[1] * rng.normals(0, 32 * 32).astype(np.float64).reshape(32, 32)
    snow_layer = clipped_zoom(snow_layer[..., np.newaxis], c[2])
    snow_layer[snow_layer < c[3]] = 0
    snow_layer = (np.clip(snow_layer.squeeze(), 0, 1) * 255).astype(np.uint8)
    angle = -135 + (-45 - -135) * rng.uniform(1)
    snow_layer = motion_blur_png(snow_layer, c[4], c[5], angle) / 255.
    snow_layer = snow_layer[..., np.newaxis]
    x = c[6] * x + (1 - c[6]) * np.maximum(x, cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).reshape(32, 32, 1) * 1.5 + 0.5)
    return np.clip(x + snow_layer + np.rot90(snow_layer, k=2), 0, 1) * 255


def frost(x, s, rng):
    c = [(1, 0.2), (1, 0.3), (0.9, 0.4), (0.85, 0.4), (0.75, 0.45)][s - 1]
    texture = np.round(frost_texture(rng))
    return np.clip(c[0] * np.array(x) + c[1] * texture, 0, 255)


def fog(x, s, rng):
    c = [(.2, 3), (.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75)][s - 1]
    x = np.array(x) / 255.
    max_val = x.max()
    x += c[0] * plasma_fractal(counter_uniform(rng, 0), wibbledecay=c[1])[:32, :32][..., np.newaxis]
    return np.clip(x * max_val / (max_val + c[0]), 0, 1) * 255


def spatter(x, s, rng):
    c = [(0.62, 0.1, 0.7, 0.7, 0.5, 0), (0.65, 0.1, 0.8, 0.7, 0.5, 0), (0.65, 0.3, 1, 0.69, 0.5, 0),
         (0.65, 0.1, 0.7, 0.69, 0.6, 1), (0.65, 0.1, 0.5, 0.68, 0.6, 1)][s - 1]
    x = np.array(x, dtype=np.float32) / 255.
    liquid_layer = c[0] + c[1] * rng.normals(0, 32 * 32).astype(np.float64).reshape(32, 32)
    liquid_layer = gaussian(liquid_layer, sigma=c[2])
    liquid_layer[liquid_layer < c[3]] = 0
    if c[5] == 0:
        liquid_layer = np.minimum(liquid_layer * 255, 255).astype(np.uint8)  # the original wraps past 255
        dist = 255 - cv2.Canny(liquid_layer, 50, 150)
        dist = cv2.distanceTransform(dist, cv2.DIST_L2, 5)
        _, dist = cv2.threshold(dist, 20, 20, cv2.THRESH_TRUNC)
        dist = cv2.blur(dist, (3, 3)).astype(np.uint8)
        dist = cv2.equalizeHist(dist)
        ker = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
        dist = cv2.filter2D(dist, cv2.CV_8U, ker)
        dist = cv2.blur(dist, (3, 3)).astype(np.float32)
        m = cv2.cvtColor(liquid_layer * dist, cv2.COLOR_GRAY2BGRA)
        m /= np.max(m, axis=(0, 1))
        m *= c[4]
        color = np.concatenate((175 / 255. * np.ones_like(m[..., :1]), 238 / 255. * np.ones_like(m[..., :1]),
                                238 / 255. * np.ones_like(m[..., :1])), axis=2)
        color = cv2.cvtColor(color, cv2.COLOR_BGR2BGRA)
        x = cv2.cvtColor(x, cv2.COLOR_BGR2BGRA)
        return cv2.cvtColor(np.clip(x + m * color, 0, 1), cv2.COLOR_BGRA2BGR) * 255
    m = np.where(liquid_layer > c[3], 1, 0)
    m = gaussian(m.astype(np.float32), sigma=c[4])
    m[m < 0.8] = 0
    color = np.concatenate((63 / 255. * np.ones_like(x[..., :1]), 42 / 255. * np.ones_like(x[..., :1]),
                            20 / 255. * np.ones_like(x[..., :1])), axis=2)
    color *= m[..., np.newaxis]
    x *= (1 - m[..., np.newaxis])
    return np.clip(x + color, 0, 1) * 255


def contrast(x, s, rng):
    c = [.75, .5, .4, .3, 0.15][s - 1]
    x = np.array(x) / 255.
    means = np.mean(x, axis=(0, 1), keepdims=True)
    return np.clip((x - means) * c + means, 0, 1) * 255


def brightness(x, s, rng):
    c = [.05, .1, .15, .2, .3][s - 1]
    x = sk.color.rgb2hsv(np.array(x) / 255.)
    x[:, :, 2] = np.clip(x[:, :, 2] + c, 0, 1)
    return np.clip(sk.color.hsv2rgb(x), 0, 1) * 255


def saturate(x, s, rng):
    c = [(0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2)][s - 1]
    x = sk.color.rgb2hsv(np.array(x) / 255.)
    x[:, :, 1] = np.clip(x[:, :, 1] * c[0] + c[1], 0, 1)
    return np.clip(sk.color.hsv2rgb(x), 0, 1) * 255


def jpeg_compression(x, s, rng):
    c = [80, 65, 58, 50, 40][s - 1]
    output = BytesIO()
    x.save(output, 'JPEG', quality=c)
    return np.array(PILImage.open(output))


def pixelate(x, s, rng):
    c = [0.95, 0.9, 0.85, 0.75, 0.65][s - 1]
    x = x.resize((int(32 * c), int(32 * c)), PILImage.BOX)
    return np.array(x.resize((32, 32), PILImage.BOX))


def elastic_transform(image, s, rng):
    IMSIZE = 32
    c = [(IMSIZE * 0, IMSIZE * 0, IMSIZE * 0.08), (IMSIZE * 0.05, IMSIZE * 0.2, IMSIZE * 0.07),
         (IMSIZE * 0.08, IMSIZE * 0.06, IMSIZE * 0.06), (IMSIZE * 0.1, IMSIZE * 0.04, IMSIZE * 0.05),
         (IMSIZE * 0.1, IMSIZE * 0.03, IMSIZE * 0.03)][s - 1]
    image = np.array(image, dtype=np.float32) / 255.
    shape = image.shape
    shape_size = shape[:2]
    center_square = np.float32(shape_size) // 2
    square_size = min(shape_size) // 3
    pts1 = np.float32([center_square + square_size, [center_square[0] + square_size, center_square[1] - square_size],
                       center_square - square_size])
    pts2 = pts1 + (-c[2] + (c[2] - -c[2]) * rng.uniforms(0, 6).reshape(3, 2)).astype(np.float32)
    M = cv2.getAffineTransform(pts1, pts2)
    image = cv2.warpAffine(image, M, shape_size[::-1], borderMode=cv2.BORDER_REFLECT_101)
    dx = (gaussian(-1 + 2 * rng.uniforms(1, 32 * 32).reshape(32, 32), c[1], mode='reflect', truncate=3) * c[0]).astype(np.float32)
    dy = (gaussian(-1 + 2 * rng.uniforms(2, 32 * 32).reshape(32, 32), c[1], mode='reflect', truncate=3) * c[0]).astype(np.float32)
    dx, dy = dx[..., np.newaxis], dy[..., np.newaxis]
    x, y, z = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]), np.arange(shape[2]))
    indices = np.reshape(y + dy, (-1, 1)), np.reshape(x + dx, (-1, 1)), np.reshape(z, (-1, 1))
    return np.clip(map_coordinates(image, indices, order=1, mode='reflect').reshape(shape), 0, 1) * 255


FUNCS = {name: globals()[name] for name in NAMES}


def main():
    batch = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ.get("FASTROBUST_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")), "cifar10-jpeg75/cifar-10-batches-bin/test_batch.bin")
    raw = np.fromfile(batch, dtype=np.uint8).reshape(-1, 3073)
    indices = [0, 7]
    chw = raw[indices, 1:].reshape(-1, 3, 32, 32)
    # 46 more test images for the severity-order test (which needs no reference outputs)
    extra = raw[100:146, 1:].reshape(-1, 3, 32, 32)
    np.save(os.path.join(HERE, "shift_images.npy"), np.concatenate([chw, extra]))
    ref = np.zeros((len(NAMES), 5, len(indices), 3, 32, 32), dtype=np.uint8)
    for ci, name in enumerate(NAMES):
        for s in range(1, 6):
            for ii in range(len(indices)):
                img = PILImage.fromarray(chw[ii].transpose(1, 2, 0))
                out = FUNCS[name](img, s, Rng(ci, s, ii))
                ref[ci, s - 1, ii] = np.uint8(out).transpose(2, 0, 1)
        print(name, "done", flush=True)
    np.save(os.path.join(HERE, "shift_reference.npy"), ref)

    # JPEG files and Pillow's decodes
    img0 = PILImage.fromarray(chw[0].transpose(1, 2, 0))
    img0.save(os.path.join(HERE, "shift_q75.jpg"), "JPEG", quality=75)
    np.save(os.path.join(HERE, "shift_q75_pixels.npy"), np.array(PILImage.open(os.path.join(HERE, "shift_q75.jpg"))))
    gray = PILImage.fromarray(chw[1].transpose(1, 2, 0)).convert("L").crop((2, 2, 30, 30))
    gray.save(os.path.join(HERE, "shift_gray_q50.jpg"), "JPEG", quality=50)
    np.save(os.path.join(HERE, "shift_gray_q50_pixels.npy"), np.array(PILImage.open(os.path.join(HERE, "shift_gray_q50.jpg"))))
    np.save(os.path.join(HERE, "shift_gray_q50_source.npy"), np.array(gray))
    img1 = PILImage.fromarray(chw[1].transpose(1, 2, 0))
    for q in (80, 40):
        img1.save(os.path.join(HERE, f"shift_pil_q{q}.jpg"), "JPEG", quality=q)


if __name__ == "__main__":
    main()
