#!/usr/bin/env bash
# Downloads the CIFAR-10 binary version (about 170 MB) from its authors' site, checks its MD5 and unpacks
# it to data/cifar-10-batches-bin/, where FastRobust finds it with no further setting.
# CIFAR10_URL may point at a mirror (the checksum is still checked).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
url=${CIFAR10_URL:-https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz}
md5=c32a1d4ab5d03f1284b67883e8d87530
dest="$here/cifar-10-batches-bin"
files=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin)

complete=1
for f in "${files[@]}"; do [ -f "$dest/$f" ] || complete=0; done
if [ "$complete" = 1 ]; then
    echo "CIFAR-10 is already in $dest"
    exit 0
fi

# unpack next to the destination so the final mv is a rename and an interrupted run leaves nothing half-done
tmp=$(mktemp -d "$here/.cifar10-fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
archive="$tmp/cifar-10-binary.tar.gz"

echo "downloading $url"
if command -v curl >/dev/null; then
    curl -fL --retry 3 -o "$archive" "$url"
elif command -v wget >/dev/null; then
    wget -O "$archive" "$url"
else
    echo "fetch-cifar10.sh: needs curl or wget" >&2
    exit 1
fi

if command -v md5sum >/dev/null; then
    actual=$(md5sum "$archive" | cut -d' ' -f1)
else
    actual=$(md5 -q "$archive")  # macOS
fi
if [ "$actual" != "$md5" ]; then
    echo "fetch-cifar10.sh: MD5 of the download is $actual, expected $md5 (corrupt or wrong file)" >&2
    exit 1
fi

tar -xzf "$archive" -C "$tmp"
for f in "${files[@]}"; do
    [ -f "$tmp/cifar-10-batches-bin/$f" ] || { echo "fetch-cifar10.sh: the archive has no cifar-10-batches-bin/$f" >&2; exit 1; }
done
rm -rf "$dest"
mv "$tmp/cifar-10-batches-bin" "$dest"
echo "CIFAR-10 unpacked to $dest"
