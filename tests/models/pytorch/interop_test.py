#!/usr/bin/python3
"""dign and PyTorch exchange models both ways (issue 24), checked from Python with Debian's
python3-torch, the LibTorch 1.13 that dign links.

(a) `dign eval --model FILE.pt`: a small ResNet of this script's own (not dign's), meant for
    normalized inputs, scripted and traced here, is evaluated by dign with --input-mean/--input-std
    cifar10 on a tiny ImageFolder: the same clean accuracy, mean confidence and per-image
    probabilities as PyTorch's (the probabilities through --dump-probabilities, which computes
    them as the clean condition scores them; the accuracy and the mean confidence of the
    report's bins tie the dump to the report). bf16 and a PGD attack (autograd through the
    scripted module) run too.
(b) `dign export`: a tiny dign-trained model in both formats: torch.jit.load(FILE)(x) and
    python/dign_reference.py loaded from torch.load(FILE, weights_only=True) (strict names) give
    dign's probabilities, and `dign eval --model FILE.pt` reads the archive back to the run's.

Usage: interop_test.py --dign BUILD/dign --work DIR
       [--archs resnet18,resnet18-dubin,densenet121,resnet50]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
sys.path.insert(0, os.path.join(ROOT, "python"))
import dign_reference  # noqa: E402

CIFAR10_MEAN, CIFAR10_STD = (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)
TOL = 1e-5  # fp32: the same operations, sums possibly in another order


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(x + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


class SmallResNet(nn.Module):
    """Conv, BN, two residual blocks, a linear layer; no normalization inside."""

    def __init__(self, classes):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.blocks = nn.Sequential(Block(8), Block(8))
        self.fc = nn.Linear(8, classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn(self.conv(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def dign(binary, *args):
    command = [binary, *map(str, args)] + (["--threads", "1"] if args[0] != "export" else [])
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited {result.returncode}: {result.stderr}")
    return result


def write_folder(root, images, labels, classes):
    """An ImageFolder (PNG, lossless) with one training image per class."""
    for k in range(classes):
        os.makedirs(os.path.join(root, "train", f"c{k}"))
        Image.fromarray(images[0]).save(os.path.join(root, "train", f"c{k}", "0.png"))
    for i, (image, label) in enumerate(zip(images, labels)):
        os.makedirs(os.path.join(root, "test", f"c{label}"), exist_ok=True)
        Image.fromarray(image).save(os.path.join(root, "test", f"c{label}", f"{i:03d}.png"))


def read_test_split(root):
    """The test images in dign's reader order (classes: train/'s folders sorted; files sorted),
    as [0,1] floats."""
    classes = sorted(os.listdir(os.path.join(root, "train")))
    images, labels = [], []
    for label, name in enumerate(classes):
        folder = os.path.join(root, "test", name)
        if not os.path.isdir(folder):
            continue
        for file in sorted(os.listdir(folder)):
            images.append(np.asarray(Image.open(os.path.join(folder, file)).convert("RGB")))
            labels.append(label)
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255
    return x, torch.tensor(labels)


def check(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)
    print("ok:", message)


def compare_with_report(report_path, dump_path, probs, labels, what):
    """dign's report and probability dump against PyTorch's probabilities."""
    report = json.load(open(report_path))
    clean = report["clean"]
    n = labels.numel()
    correct = int((probs.argmax(1) == labels).sum())
    check(clean["images"] == n and round(clean["accuracy"] * n) == correct
          and abs(clean["accuracy"] - correct / n) < 1e-12,
          f"{what}: clean accuracy {clean['accuracy']} = PyTorch's {correct}/{n}")
    mean_confidence = sum(b["count"] * b["confidence"] for b in clean["bins"]) / n
    want = probs.max(1).values.double().mean().item()
    check(abs(mean_confidence - want) < 1e-6,
          f"{what}: mean confidence {mean_confidence:.7f} = PyTorch's {want:.7f}")
    dumped = torch.from_numpy(np.load(dump_path))
    error = (dumped - probs).abs().max().item()
    check(dumped.shape == probs.shape and error < TOL,
          f"{what}: per-image probabilities {tuple(dumped.shape)} within {TOL} (max {error:.2e})")
    return report


def part_a(binary, work):
    torch.manual_seed(0)
    classes = 4
    model = SmallResNet(classes)
    with torch.no_grad():  # BatchNorm statistics away from their defaults, a wider logit range
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
        model.fc.weight.mul_(8)
    model.eval()
    scripted, traced = os.path.join(work, "scripted.pt"), os.path.join(work, "traced.pt")
    torch.jit.script(model).save(scripted)
    torch.jit.trace(model, torch.rand(2, 3, 32, 32)).save(traced)

    # 24 noisy flat colours (the model's confidence then ranges over 0.5-1); 2 in 3 labelled
    # with the model's prediction, so the accuracy is not chance.
    rng = np.random.default_rng(0)
    colours = rng.uniform(0, 255, (24, 1, 1, 3))
    images = np.clip(colours + rng.normal(0, 30, (24, 32, 32, 3)), 0, 255).astype(np.uint8)
    mean = torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)
    normalized = lambda x: (x - mean) / std  # noqa: E731 (torchvision's Normalize)
    with torch.no_grad():
        x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255
        predicted = model(normalized(x)).argmax(1).tolist()
    labels = [p if i % 3 else (p + 1) % classes for i, p in enumerate(predicted)]
    folder = os.path.join(work, "folder4")
    write_folder(folder, images, labels, classes)
    x, y = read_test_split(folder)
    with torch.no_grad():
        probs = torch.softmax(model(normalized(x)), 1)
    accuracy = float((probs.argmax(1) == y).float().mean())
    check(0.6 < accuracy < 0.7, f"2 in 3 test labels are the model's predictions ({accuracy:.3f})")

    common = ["--data", folder, "--noise-sigmas", "0.1", "--input-mean", "cifar10",
              "--input-std", "cifar10"]
    for name, path in [("scripted", scripted), ("traced", traced)]:
        report = os.path.join(work, f"{name}.json")
        dump = os.path.join(work, f"{name}.npy")
        dign(binary, "eval", "--model", path, *common, "--precision", "fp32", "--report", report,
             "--dump-probabilities", dump)
        r = compare_with_report(report, dump, probs, y, f"dign eval --model {name}.pt")
        check(r["model"]["format"] == "torchscript" and r["model"]["num_classes"] == classes
              and r["provenance"]["model_content_hash"].startswith("xxh3:")
              and len(r["provenance"]["model_content_hash"]) == 21,
              f"{name}: the report records the format, the classes and the file's content hash")

    # The same numbers as explicit values; bf16 autocast and PGD through the scripted module.
    values = lambda v: ",".join(map(str, v))  # noqa: E731
    report = os.path.join(work, "bf16.json")
    dump = os.path.join(work, "bf16.npy")
    dign(binary, "eval", "--model", scripted, "--data", folder, "--noise-sigmas", "0.1",
         "--input-mean", values(CIFAR10_MEAN), "--input-std", values(CIFAR10_STD),
         "--precision", "bf16", "--report", report, "--dump-probabilities", dump,
         "--attack", "pgd", "--attack-steps", "3", "--attack-limit", "8")
    r = json.load(open(report))
    error = (torch.from_numpy(np.load(dump)) - probs).abs().max().item()
    check(r["provenance"]["precision"] == "bf16" and error < 0.05,
          f"bf16: probabilities within 0.05 of fp32's (max {error:.3f})")
    adversarial = r["adversarial"][0]
    check(adversarial["images"] == 8 and 0 <= adversarial["accuracy"] <= 1,
          f"PGD through the scripted module: robust accuracy {adversarial['accuracy']}")


def part_b(binary, work, archs):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8)
    folder = os.path.join(work, "folder10")
    write_folder(folder, images, [i % 10 for i in range(20)], 10)
    x, y = read_test_split(folder)
    # resnet18-dubin: AugMax's DuBIN ResNet-18 (--norm dubin goes with --method augmax).
    arch_flags = {"resnet18": ["--arch", "resnet18", "--width", "2"],
                  "resnet18-dubin": ["--arch", "resnet18", "--width", "2", "--norm", "dubin",
                                     "--method", "augmax"],
                  "densenet121": ["--arch", "densenet121", "--growth-rate", "2"],
                  "resnet50": ["--arch", "resnet50", "--width", "2"]}
    for arch in archs:
        run = os.path.join(work, f"run-{arch}")
        dign(binary, "train", "--data", "synthetic", "--synthetic-train", "40",
             "--synthetic-test", "20", *arch_flags[arch], "--epochs", "1",
             "--batch-size", "16", "--precision", "fp32", "--quiet", "--out", run)
        pt, pth = os.path.join(work, f"{arch}.pt"), os.path.join(work, f"{arch}.pth")
        dign(binary, "export", "--model", run, "--out", pt, "--quiet")
        dign(binary, "export", "--model", run, "--out", pth, "--format", "state-dict", "--quiet")

        # dign's own probabilities on the folder, from the run and from the archive read back.
        run_report, run_dump = os.path.join(work, f"{arch}-run.json"), os.path.join(
            work, f"{arch}-run.npy")
        dign(binary, "eval", "--model", run, "--data", folder, "--noise-sigmas", "0.1",
             "--precision", "fp32", "--report", run_report, "--dump-probabilities", run_dump)
        dign_probs = torch.from_numpy(np.load(run_dump))

        scripted = torch.jit.load(pt)
        reference = dign_reference.load(pth)  # weights_only=True, strict names
        state = torch.load(pth, weights_only=True)
        check(list(state) == list(reference.state_dict()) == list(scripted.state_dict()),
              f"{arch}: the state dict's names, in order, are the reference's and the archive's")
        with torch.no_grad():
            logits_ts, logits_ref = scripted(x), reference(x)
        error = (logits_ts - logits_ref).abs().max().item()
        check(error < TOL, f"{arch}: torch.jit.load(FILE)(x) = reference(x) (max {error:.2e})")
        for name, logits in [("TorchScript", logits_ts), ("state dict", logits_ref)]:
            error = (torch.softmax(logits, 1) - dign_probs).abs().max().item()
            check(error < TOL, f"{arch}: the {name} in PyTorch gives dign's probabilities "
                  f"(max {error:.2e})")
        if arch == "resnet18":
            extra = {"dign_model.json": ""}
            torch.jit.load(pt, _extra_files=extra)
            record = json.loads(extra["dign_model.json"])
            check(record["arch"] == "resnet18" and record["model_options"]["width"] == 2,
                  "the archive carries dign's model record")
            report, dump = os.path.join(work, "readback.json"), os.path.join(work, "readback.npy")
            dign(binary, "eval", "--model", pt, "--data", folder, "--noise-sigmas", "0.1",
                 "--precision", "fp32", "--report", report, "--dump-probabilities", dump)
            compare_with_report(report, dump, dign_probs, y, "dign eval --model resnet18.pt")
            check(json.load(open(report))["model"]["dign_export"]["arch"] == "resnet18",
                  "dign eval reports the archive's dign record")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dign", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--archs", default="resnet18,resnet18-dubin,densenet121,resnet50")
    args = parser.parse_args()
    torch.set_num_threads(1)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    part_a(args.dign, args.work)
    part_b(args.dign, args.work, args.archs.split(","))
    print("interop: all checks passed")


if __name__ == "__main__":
    main()
