#!/usr/bin/env bash
# The GPU check of issue 4, for a machine with an NVIDIA GPU, Python with PyTorch (CUDA) and no .NET.
# On the development machine first pack the CLI with the .NET runtime (it lands in .gpu/, git-ignored):
#
#   ../shared/tools/gpu-pack.sh src/FastRobust.Cli/FastRobust.Cli.csproj
#
# then on the GPU machine, from the repository root (with .gpu carried along):
#
#   bash bench/gpu-check.sh [SECONDS]
#
# It runs
#   1. the CUDA tests: the CLI's hidden `gpu-selftest --device cuda` verb, the agreement checks of
#      tests/FastRobust.Gpu.Tests (every backend op against the cpu backend on fresh random shapes, outputs
#      poisoned with NaN, then training steps with dropout and PGD steps of a tiny model), one line per check;
#   2. `bench` on ../shared/bench/refcnn.json at batch 128 and 512 on cuda, and torch_peer.py with the same
#      arguments, with TF32 (PyTorch's default for convolutions) and with --fp32;
# and prints one markdown table: workload, FastRobust, PyTorch, ratio. The report also goes to $OUT/gpu-check.md
# when $OUT is set (the device tool brings that folder back), to be committed under bench/ with the device name.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
seconds=${1:-3}
shared=${SHARED:-$here/../shared}
[ -d "$shared" ] || shared=$here/shared
spec=$shared/bench/refcnn.json
peer=$shared/bench/torch_peer.py
if [ ! -x .gpu/run.sh ]; then
  echo "error: .gpu/run.sh is missing: run ../shared/tools/gpu-pack.sh src/FastRobust.Cli/FastRobust.Cli.csproj first" >&2
  exit 2
fi
[ -f "$spec" ] || { echo "error: $spec not found (set SHARED to the shared/ folder)" >&2; exit 2; }
py=$(command -v python3)
report=$(mktemp)
gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -n 1 || echo "unknown GPU")
{
  echo "# gpu-check on $gpu"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $seconds s per workload"
  echo
  echo '## CUDA agreement tests (gpu-selftest --device cuda)'
  echo
  echo '```'
} >> "$report"
set +e
bash .gpu/run.sh gpu-selftest --device cuda 2>&1 | tee -a "$report"
selftest=${PIPESTATUS[0]}
set -e
echo '```' >> "$report"

results=$(mktemp)
for batch in 128 512; do
  bash .gpu/run.sh bench --model "$spec" --batch "$batch" --device cuda --seconds "$seconds" --json | sed "s/^/ours $batch /" >> "$results"
  "$py" "$peer" --model "$spec" --batch "$batch" --device cuda --seconds "$seconds" | sed "s/^/tf32 $batch /" >> "$results"
  "$py" "$peer" --model "$spec" --batch "$batch" --device cuda --seconds "$seconds" --fp32 | sed "s/^/fp32 $batch /" >> "$results"
done
"$py" - "$results" >> "$report" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    who, batch, js = line.split(" ", 2)
    rows[(who, int(batch))] = json.loads(js)
peer = next(v["peer"] for (w, _), v in rows.items() if w != "ours")
print(f"\n## Throughput on refcnn.json (img/s; attack = image-steps/s), {peer}\n")
print("| workload | FastRobust | PyTorch (TF32) | ratio | PyTorch (FP32) | ratio |")
print("|---|---:|---:|---:|---:|---:|")
for batch in (128, 512):
    for key, name in (("train_img_per_s", "train"), ("attack_img_steps_per_s", "attack"), ("infer_img_per_s", "infer")):
        o, t, f = rows[("ours", batch)][key], rows[("tf32", batch)][key], rows[("fp32", batch)][key]
        print(f"| {name} batch {batch} | {o:.0f} | {t:.0f} | {o / t:.2f}x | {f:.0f} | {o / f:.2f}x |")
PY
rm -f "$results"
cat "$report" | sed -n '/## Throughput/,$p'
if [ -n "${OUT:-}" ]; then cp "$report" "$OUT/gpu-check.md"; fi
rm -f "$report"
if [ "$selftest" -ne 0 ]; then echo "gpu-selftest failed (exit $selftest)" >&2; exit 1; fi
