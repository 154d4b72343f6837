#!/usr/bin/env bash
# The GPU check (bench/README.md), for a machine with an NVIDIA GPU, Python with PyTorch (CUDA) and no .NET.
# On the development machine first pack the CLI with the .NET runtime (it lands in .gpu/, git-ignored):
#
#   ../shared/tools/gpu-pack.sh src/FastRobust.Cli/FastRobust.Cli.csproj
#
# and, because ../shared is not copied to the GPU machine, put refcnn.json, torch_peer.py and as much of CIFAR-10 as
# fits in the 64 MiB copied tree into ./shared (git-ignored; it is copied along):
#
#   bash bench/gpu-carry.sh
#
# then on the GPU machine, from the repository root (with .gpu carried along):
#
#   bash bench/gpu-check.sh [SECONDS]
#
# It runs
#   1. the CUDA tests: the CLI's hidden `gpu-selftest --device cuda` verb, the agreement checks of
#      tests/FastRobust.Gpu.Tests (every backend op against the cpu backend on fresh random shapes, outputs
#      poisoned with NaN, then training steps with dropout and PGD steps of a tiny model, then every corruption
#      kernel against the host's bytes), one line per check;
#   2. `bench` on ../shared/bench/refcnn.json at batch 128 and 512 on cuda, and torch_peer.py with the same
#      arguments, with TF32 (PyTorch's default for convolutions) and with --fp32;
#   3. when CIFAR-10 is found (FASTROBUST_DATA, else $SHARED/data), the whole-workload timings
#      on the GPU: the CIFAR-10-C set of the test split (19 corruptions x 5 severities; as many test images as were
#      carried, gpu-carry.sh says how many) with `corrupt` on cuda and on
#      the machine's CPU cores, then one epoch of refcnn on cuda, PGD-10 on 1,000 test images and the
#      PAC-Bayes sigma search on 5,000 with that model, each as the verb prints it;
# and prints one markdown table: workload, FastRobust, PyTorch, ratio. The report also goes to $OUT/gpu-check.md
# when $OUT is set (the folder the GPU machine hands back), to be committed under bench/ with the device name.
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
# what the static model of bench/gpu.md predicts for these kernels (made from the machine code, without a GPU): the
# measured img/s above against it tells how far the machine-code count is from the device
{
  echo
  echo "## What bench/gpu-model.py predicted (kernels only, H100 SXM; compare with the FastRobust column)"
  for batch in 128 512; do echo; echo "batch $batch:"; echo; "$py" bench/gpu-model.py --batch "$batch" | sed -n '/| workload/,$p'; done
} >> "$report"
# 3. whole workloads on CIFAR-10 (skipped, with a line saying so, where the data is not there)
data=${FASTROBUST_DATA:-$shared/data}
work=$(mktemp -d)
if [ -d "$data" ] && FASTROBUST_DATA=$data bash .gpu/run.sh corrupt --dataset cifar10 --corruption gaussian_noise --severity 1 --limit 1 --out "$work/probe" --device cpu > /dev/null 2>&1; then
  export FASTROBUST_DATA=$data
  step() { # title, then the command; its output goes into the report in a code block
    local title=$1; shift
    { echo; echo "## $title"; echo; echo '```'; echo "\$ $*"; } >> "$report"
    set +e; "$@" 2>&1 | tail -n 40 >> "$report"; set -e
    echo '```' >> "$report"
  }
  step "CIFAR-10-C: all 19 corruptions x 5 severities of the test split, cuda" \
    bash .gpu/run.sh corrupt --dataset cifar10 --corruption all --severity 1-5 --out "$work/c-cuda" --device cuda --seed 0
  step "The same on the CPU ($(nproc) cores)" \
    bash .gpu/run.sh corrupt --dataset cifar10 --corruption all --severity 1-5 --out "$work/c-cpu" --device cpu --seed 0
  diffs=$(cd "$work" && for f in c-cuda/*.npy; do cmp -s "$f" "c-cpu/${f#c-cuda/}" || printf '%s ' "${f#c-cuda/}"; done)
  if [ -z "$diffs" ]; then echo "cuda and cpu files byte-identical: yes, every file" >> "$report"; else echo "cuda and cpu files differ: $diffs" >> "$report"; fi
  step "refcnn, one epoch on cuda" \
    bash .gpu/run.sh train --dataset cifar10 --model "$spec" --epochs 1 --batch 128 --optimizer adam --lr 0.001 --device cuda --seed 0 --out "$work/refcnn"
  if [ -f "$work/refcnn/model.safetensors" ]; then
    step "PGD-10 (L-inf 8/255) on up to 1,000 test images, cuda" \
      bash .gpu/run.sh attack --model "$work/refcnn/model.json" --weights "$work/refcnn/model.safetensors" --dataset cifar10 --limit 1000 \
        --attack pgd --eps 0.03137 --steps 10 --batch 512 --device cuda --out "$work/adv.npy" --json
    step "PAC-Bayes sigma searches on up to 5,000 train images, cuda" \
      bash .gpu/run.sh measure --model "$work/refcnn/model.json" --weights "$work/refcnn/model.safetensors" --dataset cifar10 \
        --measures sharpness --sharpness pacbayes,pacbayes-mag --device cuda
  fi
else
  printf '\n## Whole workloads\n\nskipped: no CIFAR-10 under %s (set FASTROBUST_DATA)\n' "$data" >> "$report"
fi
rm -rf "$work"

sed -n '/## Throughput/,$p' "$report"
if [ -n "${OUT:-}" ]; then cp "$report" "$OUT/gpu-check.md"; fi
rm -f "$report"
if [ "$selftest" -ne 0 ]; then echo "gpu-selftest failed (exit $selftest)" >&2; exit 1; fi
