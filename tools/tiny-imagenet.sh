#!/usr/bin/env bash
# Tiny-ImageNet (tiny-imagenet-200.zip, unpacked) as an ImageFolder tree of symbolic links, which --dataset folder:DST
# reads: DST/train/CLASS/*.JPEG and DST/val/CLASS/*.JPEG. The download keeps its validation images in one folder
# with their classes in val/val_annotations.txt, and a *_boxes.txt beside each class's training images; neither
# fits ImageFolder, so this links the images only and leaves the download untouched.
#   tools/tiny-imagenet.sh path/to/tiny-imagenet-200 data/tiny-imagenet
#   ./run.sh train --dataset folder:data/tiny-imagenet,classes=62 --model custom-cnn:depth=3,width=64 ...
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 TINY_IMAGENET_DIR OUT_DIR" >&2; exit 2; fi
src=$(cd "$1" && pwd)
dst=$2
[ -f "$src/val/val_annotations.txt" ] || { echo "$0: $src/val/val_annotations.txt not found: is $src the unpacked tiny-imagenet-200 folder?" >&2; exit 2; }
[ -d "$src/train" ] || { echo "$0: $src/train not found" >&2; exit 2; }
mkdir -p "$dst/train" "$dst/val"
for class_dir in "$src"/train/*/; do
  class=$(basename "$class_dir")
  mkdir -p "$dst/train/$class"
  ln -sf "$class_dir"images/*.JPEG "$dst/train/$class/"
done
while IFS=$'\t' read -r file class _; do
  mkdir -p "$dst/val/$class"
  ln -sf "$src/val/images/$file" "$dst/val/$class/$file"
done < "$src/val/val_annotations.txt"
echo "$dst: $(find "$dst/train" -name '*.JPEG' | wc -l) training and $(find "$dst/val" -name '*.JPEG' | wc -l) validation images in $(ls "$dst/train" | wc -l) classes"
