#!/usr/bin/env bash
# Prepares what bench/gpu-check.sh needs on a GPU machine that receives a copy of the working tree but not ../shared:
# a shared/ folder inside the checkout (copied along; ignored by git through .git/info/exclude) with ../shared/bench's refcnn.json and
# torch_peer.py, and as much of CIFAR-10 as fits in the 64 MiB the copied tree may hold once the repository and
# .gpu/ (../shared/tools/gpu-pack.sh) are counted: the first records of test_batch.bin and of each train batch
# (whole 3,073-byte records, which the reader accepts). Run after gpu-pack.sh:
#
#   ../shared/tools/gpu-pack.sh src/FastRobust.Cli/FastRobust.Cli.csproj && bash bench/gpu-carry.sh
#
# then, on the GPU machine, with .gpu/ copied along too:  bash bench/gpu-check.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
src=${SHARED_SOURCE:-$here/../shared}
cifar=$src/data/cifar10-jpeg75/cifar-10-batches-bin
[ -f "$src/bench/refcnn.json" ] || { echo "error: $src/bench/refcnn.json not found (set SHARED_SOURCE to the shared/ folder)" >&2; exit 2; }
[ -f "$cifar/test_batch.bin" ] || { echo "error: $cifar/test_batch.bin not found" >&2; exit 2; }
[ -d .gpu ] || { echo "error: .gpu/ is missing: run ../shared/tools/gpu-pack.sh src/FastRobust.Cli/FastRobust.Cli.csproj first" >&2; exit 2; }
mkdir -p .git/info
grep -qx '/shared/' .git/info/exclude 2>/dev/null || echo '/shared/' >> .git/info/exclude
rm -rf shared && mkdir -p shared/bench shared/data/cifar10-jpeg75/cifar-10-batches-bin
cp "$src/bench/refcnn.json" "$src/bench/torch_peer.py" shared/bench/

# what is copied besides the data: tracked files, untracked files git does not ignore, .gpu/ and shared/bench
tree=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 -r du -cb 2>/dev/null | awk '/total$/ {s += $1} END {print s + 0}')
gpu=$(du -sb .gpu | cut -f1)
rest=$(du -sb shared | cut -f1)
limit=$((64 * 1024 * 1024 - 1024 * 1024)) # 1 MiB of margin
room=$((limit - tree - gpu - rest))
record=3073
[ "$room" -gt $((1000 * record)) ] || { echo "error: only $room bytes left for CIFAR-10 ($tree tree, $gpu .gpu)" >&2; exit 2; }
test_records=$((room * 55 / 100 / record))
[ "$test_records" -le 10000 ] || test_records=10000
train_records=$(((room - test_records * record) / 5 / record))
[ "$train_records" -le 10000 ] || train_records=10000
out=shared/data/cifar10-jpeg75/cifar-10-batches-bin
head -c $((test_records * record)) "$cifar/test_batch.bin" > "$out/test_batch.bin"
for i in 1 2 3 4 5; do head -c $((train_records * record)) "$cifar/data_batch_$i.bin" > "$out/data_batch_$i.bin"; done
echo "shared/: CIFAR-10 test $test_records images, train $((5 * train_records)) images; travelling tree $(( (tree + gpu + $(du -sb shared | cut -f1)) / 1024 / 1024 )) MiB of 64"
