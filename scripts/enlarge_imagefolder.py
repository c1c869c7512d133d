#!/usr/bin/python3
"""Writes an ImageNette-shaped ImageFolder (images larger than 224 px) from a small one.

ImageNette cannot be downloaded here, so docs/results/dataset-shapes.md runs the 224 px path
(`--preset imagenette`, `dign corrupt --resize 256 --image-size 224`, `dign eval --corrupted`)
on the first N images per class of each split of an ImageFolder (the shared CIFAR-10),
enlarged with Pillow's bicubic filter to WIDTH x HEIGHT (default 320 x 240, ImageNette's
"320 px" shape) and saved as JPEG quality 90. The classes and files are taken in sorted order,
so the tree is the same on every machine.

  scripts/enlarge_imagefolder.py --src ../shared/datasets/cifar10-jpeg --dst runs/nette-shaped \
      --train-per-class 200 --test-per-class 50
"""
import argparse
import os
import sys

from PIL import Image


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--src", required=True, help="ImageFolder root with train/ and test/")
    p.add_argument("--dst", required=True, help="output root (must not exist)")
    p.add_argument("--train-per-class", type=int, default=200)
    p.add_argument("--test-per-class", type=int, default=50)
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=240)
    args = p.parse_args()
    if os.path.exists(args.dst):
        sys.exit(f"enlarge_imagefolder: --dst {args.dst} exists; expected a new directory")
    if min(args.width, args.height) < 224:
        sys.exit("enlarge_imagefolder: --width and --height: expected at least 224")
    for split, per_class in (("train", args.train_per_class), ("test", args.test_per_class)):
        root = os.path.join(args.src, split)
        if not os.path.isdir(root):
            sys.exit(f"enlarge_imagefolder: --src {args.src}: expected a {split}/ folder")
        for name in sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))):
            out = os.path.join(args.dst, split, name)
            os.makedirs(out)
            for file in sorted(os.listdir(os.path.join(root, name)))[:per_class]:
                with Image.open(os.path.join(root, name, file)) as im:
                    big = im.convert("RGB").resize((args.width, args.height), Image.BICUBIC)
                big.save(os.path.join(out, os.path.splitext(file)[0] + ".jpg"), quality=90)
    print(f"wrote {args.dst}")


if __name__ == "__main__":
    main()
