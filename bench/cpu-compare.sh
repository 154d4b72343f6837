#!/usr/bin/env bash
# Side-by-side CPU throughput: FastRobust's `bench` verb and PyTorch's torch_peer.py on the same spec, batch
# and thread count, alternating ROUNDS times so drifts of the machine hit both alike. Prints a markdown table
# of medians and the FastRobust/PyTorch ratio per workload.
#   bench/cpu-compare.sh [SPEC] [BATCH] [ROUNDS] [SECONDS]
# Needs Debian's python3-torch and libopenblas0-pthread (see README); uses /usr/bin/python3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
spec=${1:-$here/../shared/bench/refcnn.json}
batch=${2:-128}
rounds=${3:-3}
seconds=${4:-3}
peer=${TORCH_PEER:-$here/../shared/bench/torch_peer.py}
threads=$(nproc)
"$here/run.sh" --help >/dev/null  # build once, outside the timings
out=$(mktemp)
for r in $(seq "$rounds"); do
  /usr/bin/python3 "$peer" --model "$spec" --batch "$batch" --device cpu --threads "$threads" --seconds "$seconds" | sed 's/^/torch /' >> "$out"
  "$here/run.sh" bench --model "$spec" --batch "$batch" --device cpu --seconds "$seconds" --json | sed 's/^/ours /' >> "$out"
done
/usr/bin/python3 - "$out" "$spec" "$batch" "$threads" <<'PY'
import json, statistics, sys
rows = {"torch": [], "ours": []}
for line in open(sys.argv[1]):
    who, js = line.split(" ", 1)
    rows[who].append(json.loads(js))
keys = ["train_img_per_s", "attack_img_steps_per_s", "infer_img_per_s"]
print(f"spec {sys.argv[2]}, batch {sys.argv[3]}, {sys.argv[4]} threads, {len(rows['ours'])} alternating rounds (medians)\n")
print(f"| workload | FastRobust | PyTorch {rows['torch'][0]['peer'].split()[-1]} | ratio |")
print("|---|---:|---:|---:|")
for k in keys:
    o = statistics.median(r[k] for r in rows["ours"]); t = statistics.median(r[k] for r in rows["torch"])
    print(f"| {k} | {o:.0f} | {t:.0f} | {o / t:.2f}x |")
PY
rm -f "$out"
