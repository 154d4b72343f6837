#!/usr/bin/env bash
# Puts NVIDIA's PTX assembler (ptxas) and disassembler (nvdisasm) into .tools/cuda/bin, for the tests that assemble every ILGPU
# kernel to SASS for sm_80 and sm_90 on a machine without a GPU (tests/FastRobust.Gpu.Tests/PtxasTests.cs).
# ptxas runs on the CPU; no driver or GPU is needed. The binaries come from Debian's nvidia-cuda-toolkit package
# (non-free, CUDA 11.8, NVIDIA's licence), downloaded from the Debian archive and checked against a pinned SHA-256;
# nothing is installed system-wide. Re-running is a no-op once the tools are there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.tools/cuda"
if [ -x "$dest/bin/ptxas" ] && [ -x "$dest/bin/nvdisasm" ]; then exit 0; fi

deb=nvidia-cuda-toolkit_11.8.89~11.8.0-5~deb12u1_amd64.deb
url="http://deb.debian.org/debian/pool/non-free/n/nvidia-cuda-toolkit/$deb"
sha256=d1156026e704fe0368b6295db06224ed00a727966fb13454f34e3f3102db0457

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-ptxas: downloading $deb (84 MB) from the Debian archive" >&2
curl -fsSL --retry 3 -o "$tmp/$deb" "$url"
echo "$sha256  $tmp/$deb" | sha256sum -c --quiet -
dpkg-deb -x "$tmp/$deb" "$tmp/x"
mkdir -p "$dest/bin"
cp "$tmp/x/usr/bin/ptxas" "$tmp/x/usr/bin/nvdisasm" "$dest/bin/"
"$dest/bin/ptxas" --version | tail -1 >&2
