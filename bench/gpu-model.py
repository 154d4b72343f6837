#!/usr/bin/env python3
"""A static model of FastRobust's GPU time on the reference CNN (../shared/bench/refcnn.json; a copy is pinned in
bench/FastRobust.Bench/ReferenceCnn.cs), made without a GPU: the floor (FLOPs over the FP32 rate, bytes over HBM bandwidth) beside what our kernels' machine code
predicts (SASS instructions over the issue rate). No GPU is involved; the instruction counts below come from
`nvdisasm` on ptxas 11.8's sm_90 code for each kernel (tests/FastRobust.Gpu.Tests/PtxasTests.cs prints them; see
bench/gpu.md for how they were read). It is a prediction to be checked by bench/gpu-check.sh, not a measurement.

  python3 bench/gpu-model.py [--batch 512] [--device h100-sxm|h100-pcie] [--as-of now|start]
"""
import argparse
import math

DEVICES = {
    # SMs, boost clock (GHz), HBM bandwidth (TB/s): NVIDIA's H100 datasheet
    "h100-sxm": (132, 1.98, 3.35),
    "h100-pcie": (114, 1.755, 2.0),
}

# SASS instructions per 16-deep K slice of one warp, sm_90, of the kernels as they are now;
# `--as-of start` uses the counts of commit 29022be (2026-11-23), before the tile kernels' row-group variants,
# GEMM split-K and 16-byte shared loads (115 instructions per k step), to show what those changes bought.
# the micro-kernel's k step by the row groups it computes (TileCore.RowGroups), times 16 steps ...
INNER = {8: 80, 4: 46}
# ... plus staging the slice into shared memory (loads, index arithmetic, stores, barriers): a fixed part for the
# B operand and the rest, and a part per live row group for the A rows (the convolutions stage only live rows;
# the GEMM stages all 64). Read off the loops of each kernel's SASS, +-15%.
STAGE = {"conv_fwd": (588, 34), "conv_dgrad": (1214, 30), "conv_wgrad": (370, 24), "gemm": (1950, 0)}
START = {"inner": {8: 115, 4: 115, 2: 115, 1: 115},
         "stage": {"conv_fwd": (2800, 0), "conv_dgrad": (5010, 0), "conv_wgrad": (3900, 0), "gemm": (1900, 0)},
         "gemm_split": False}
# Conv.BackwardDataFew (the data gradient of inputs with C <= 8 channels: one thread per input pixel, weights staged
# in shared memory), sm_90 SASS per warp of 32 pixels: the innermost loop over output channels by C, per tap (ki, kj)
# and per tap row around it, per chunk of staged weights (plus 74 per staged element and thread), once per pixel
FEW_INNER = {1: 12, 2: 13, 3: 16, 4: 15, 5: 20, 6: 19, 7: 24, 8: 20}
FEW_TAP, FEW_ROW, FEW_CHUNK, FEW_STAGE_ELEMENT, FEW_FIXED = 42, 17, 65, 74, 164
FEW_THREADS, FEW_STAGE, FEW_GROUPS_PER_SM = 256, 2048, 6  # 38 registers x 256 threads: 6 groups per SM (ptxas -v)
# a warp keeps its SM sub-partition (SMSP) fully issued only with enough warps to hide latency: below this many
# warps per SMSP we scale the issue rate down in proportion (a coarse stand-in for latency hiding)
WARPS_FOR_FULL_ISSUE = 4
REG_LIMITED_GROUPS_PER_SM = 10  # 94-96 registers x 64 threads: 10 groups (20 warps) per SM (ptxas -v)


def row_groups(rows):
    if AS_OF == "start":
        return 8
    return 8 if rows > 32 else 4


AS_OF = "now"


def tile_kernel(dev, kind, m, n, k, split=False):
    """Predicted time (s) of a 64x64-tile kernel computing [m, n] over depth k, and its useful FLOPs. With split,
    the reduction is cut into slices of at least 64 so that the launch has about 4 groups per SM (the rule of the
    convolution weight gradient and of split-K GEMM)."""
    sms, ghz, _ = dev
    tiles_n, tiles_m = math.ceil(n / 64), math.ceil(m / 64)
    tiles = tiles_n * tiles_m
    splits, length = 1, k
    if split:  # IlgpuBackend.SplitReduction
        wanted = max(1, math.ceil(4 * sms / tiles))
        length = max(64, math.ceil(k / wanted))
        length = math.ceil(length / 16) * 16
        splits = max(1, math.ceil(k / length))
        if splits == 1:
            length = k
    slices_per_group = math.ceil(length / 16)
    # instructions per warp, averaged over the M tiles (the last one may compute fewer row groups)
    fixed, per_group = (START["stage"] if AS_OF == "start" else STAGE)[kind]
    inner = START["inner"] if AS_OF == "start" else INNER
    per_slice = sum(fixed + (per_group + 16 * inner[g] / g) * g
                    for g in (row_groups(min(64, m - m0)) for m0 in range(0, m, 64))) / tiles_m
    per_warp = slices_per_group * per_slice
    groups = tiles * splits
    resident = min(REG_LIMITED_GROUPS_PER_SM, math.ceil(groups / sms))  # groups per SM at once
    warps_per_smsp = max(1.0, resident * 2 / 4)
    # one warp per sub-partition issues about every other cycle (shared-load latency is exposed); five or more
    # interleaved warps keep it issuing every cycle
    ipc = min(1.0, 0.5 + 0.125 * (warps_per_smsp - 1))
    waves = math.ceil(groups / (sms * resident))
    seconds = waves * warps_per_smsp * per_warp / (ipc * ghz * 1e9)
    return seconds, 2.0 * m * n * k, splits


def few_channel_dgrad(dev, c, pixels, o, kh, kw):
    """Predicted time (s) of Conv.BackwardDataFew over `pixels` input pixels (one member), and its useful FLOPs."""
    sms, ghz, _ = dev
    chunk = min(o, FEW_STAGE // (c * kh * kw))
    chunks = math.ceil(o / chunk)
    staged_per_thread = c * kh * kw * o / FEW_THREADS
    per_warp = (FEW_FIXED + chunks * FEW_CHUNK + staged_per_thread * FEW_STAGE_ELEMENT
                + chunks * (kh * FEW_ROW + kh * kw * FEW_TAP) + kh * kw * o * FEW_INNER[c])
    groups = math.ceil(pixels / FEW_THREADS)
    resident = min(FEW_GROUPS_PER_SM, math.ceil(groups / sms))
    warps_per_smsp = max(1.0, resident * FEW_THREADS / 32 / 4)
    ipc = min(1.0, 0.5 + 0.125 * (warps_per_smsp - 1))
    waves = math.ceil(groups / (sms * resident))
    seconds = waves * warps_per_smsp * per_warp / (ipc * ghz * 1e9)
    return seconds, 2.0 * c * pixels * o * kh * kw, per_warp * pixels / 32


def memory_kernel(dev, nbytes):
    _, _, tbs = dev
    return nbytes / (0.8 * tbs * 1e12)  # ~80% of HBM bandwidth is what streaming kernels reach


def layers():
    # (name, C, H, W, O) for the four 3x3 pad-1 convolutions; then linear 4096->256->10
    return [("conv1", 3, 32, 32, 32), ("conv2", 32, 32, 32, 32), ("conv3", 32, 16, 16, 64), ("conv4", 64, 16, 16, 64)]


def model(batch, dev):
    sms, ghz, tbs = dev
    peak = sms * 128 * 2 * ghz * 1e9
    rows = []

    def add(workloads, name, seconds, flops):
        rows.append((workloads, name, seconds, flops))

    for name, c, h, w, o in layers():
        cols = batch * h * w
        k = c * 9
        t, f, _ = tile_kernel(dev, "conv_fwd", o, cols, k)
        add("TAI", f"{name} forward (M={o}, N={cols}, K={k})", t, f)
        # data gradient: needed by every layer in the attack, by all but the first in training
        t, f, _ = tile_kernel(dev, "conv_dgrad", c, cols, o * 9)
        if c <= 8 and AS_OF != "start":
            # the backend routes few input channels to Conv.BackwardDataFew; the tile kernel's figure for comparison
            add("", f"{name} data gradient, tile kernel (M={c}, N={cols}, K={o * 9})", t, f)
            t, f, warp_instructions = few_channel_dgrad(dev, c, cols, o, 3, 3)
            add("TA" if name != "conv1" else "A",
                f"{name} data gradient, few-channel kernel (C={c}, {cols} pixels, {o * 9} taps, "
                f"{warp_instructions / 1e6:.0f} M warp-instructions)", t, f)
        elif AS_OF != "start":
            # stride 1: the backend runs the data gradient as a forward convolution of dY with the flipped weights
            # (Conv.FlipWeights + Conv.Forward); the data-gradient tile kernel's figure for comparison
            add("", f"{name} data gradient, tile kernel (M={c}, N={cols}, K={o * 9})", t, f)
            t, f, _ = tile_kernel(dev, "conv_fwd", c, cols, o * 9)
            add("TA", f"{name} data gradient as a forward convolution (M={c}, N={cols}, K={o * 9})", t, f)
        else:
            add("TA" if name != "conv1" else "A", f"{name} data gradient (M={c}, N={cols}, K={o * 9})", t, f)
        t, f, splits = tile_kernel(dev, "conv_wgrad", o, k, cols, split=True)
        add("T", f"{name} weight gradient (M={o}, N={k}, K={cols}, {splits} splits)", t, f)
    # linear layers: forward y = x Wt (M=batch, N=out, K=in); data gradient (M=batch, N=in, K=out); weight (M=out, N=in, K=batch)
    for name, fin, fout in (("fc1", 4096, 256), ("fc2", 256, 10)):
        gemm_split = not (AS_OF == "start" and not START["gemm_split"])
        for split in (False, True) if name == "fc1" and gemm_split else (gemm_split,):
            t, f, splits = tile_kernel(dev, "gemm", batch, fout, fin, split=split)
            add("TAI" if split == gemm_split else "", f"{name} forward (M={batch}, N={fout}, K={fin}, {splits} splits)", t, f)
        t, f, splits = tile_kernel(dev, "gemm", batch, fin, fout, split=gemm_split)
        add("TA", f"{name} data gradient (M={batch}, N={fin}, K={fout}, {splits} splits)", t, f)
        t, f, splits = tile_kernel(dev, "gemm", fout, fin, batch, split=gemm_split)
        add("T", f"{name} weight gradient (M={fout}, N={fin}, K={batch}, {splits} splits)", t, f)
    # streaming kernels: bytes per image (float32), forward and backward
    act = {"relu": [32768, 32768, 16384, 16384, 256], "pool": [(32768, 8192), (16384, 4096)]}
    # the ReLU after each convolution runs in the convolution's store (Conv2dForwardRelu; not yet at 29022be):
    # only the linear layer's ReLU is a pass of its own in the forward direction
    fused = AS_OF != "start"
    fwd_relu = act["relu"][-1:] if fused else act["relu"]
    fwd_bytes = sum(8 * n for n in fwd_relu) + sum(4 * (i + 2 * o) for i, o in act["pool"])  # pool writes value + index
    bwd_bytes = sum(12 * n for n in act["relu"]) + sum(4 * (2 * o + i) for i, o in act["pool"])
    add("TAI", "max-pool forward and the linear layer's ReLU (streaming)" if fused else "ReLU and max-pool forward (streaming)",
        memory_kernel(dev, batch * fwd_bytes), 0)
    add("TA", "ReLU and max-pool backward (streaming)", memory_kernel(dev, batch * bwd_bytes), 0)
    return rows, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--device", default="h100-sxm", choices=sorted(DEVICES))
    ap.add_argument("--as-of", default="now", choices=["now", "start"])
    a = ap.parse_args()
    global AS_OF
    AS_OF = a.as_of
    dev = DEVICES[a.device]
    rows, peak = model(a.batch, dev)
    print(f"| kernel | in | floor (us) | predicted (us) | of FP32 peak |")
    print("|---|---|---:|---:|---:|")
    for wl, name, t, f in rows:
        floor = f / peak
        share = f"{f / t / peak:.0%}" if f else "HBM-bound"
        used = "/".join(x for x, key in (("train", "T"), ("attack", "A"), ("infer", "I")) if key in wl) or "(not used)"
        print(f"| {name} | {used} | {floor * 1e6:.1f} | {t * 1e6:.1f} | {share} |")
    print()
    print("| workload | FLOP floor (img/s) | predicted kernels (img/s) |")
    print("|---|---:|---:|")
    for key, name, flop_img in (("T", "train", 151e6), ("A", "attack (PGD step)", 102.1e6), ("I", "infer", 51.1e6)):
        t = sum(r[2] for r in rows if key in r[0])
        print(f"| {name} | {peak / flop_img:,.0f} | {a.batch / t:,.0f} |")


if __name__ == "__main__":
    main()
