#!/usr/bin/python3
"""The peer of `dign bench train`: the same training step written in PyTorch from Python.

Same model (CIFAR ResNet-18 with the normalization inside), same objective (cross-entropy,
or DiGN's CE + lambda * mean_k KL(p(x) || p(x + delta_k)) with sigma_k ~ U(0, sigma_max)
per example), same optimizer (SGD, Nesterov 0.9, weight decay 5e-4), random data, timed
after a warm-up. Three ways of writing it:

  paper   fp32, NCHW, one forward per view (as the paper's code does it)
  bf16    bf16 autocast, channels-last, one forward per view
  concat  bf16 autocast, channels-last, the clean and noisy views as one batch

Prints `images/s N` last and writes a JSON record with --json. Run with Debian's
python3-torch (/usr/bin/python3), the same LibTorch 1.13 that dign links.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.49, 0.48, 0.45]).view(1, 3, 1, 1))
        self.register_buffer("inv_std", 1 / torch.tensor([0.25, 0.24, 0.26]).view(1, 3, 1, 1))
        self.stem = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(width)
        blocks, cin = [], width
        for stage in range(4):
            cout = width << stage
            for block in range(2):
                blocks.append(BasicBlock(cin, cout, 2 if stage > 0 and block == 0 else 1))
                cin = cout
        self.stages = nn.Sequential(*blocks)
        self.classifier = nn.Linear(cin, classes)

    def forward(self, images):
        x = F.relu(self.stem_bn(self.stem((images - self.mean) * self.inv_std)))
        x = F.adaptive_avg_pool2d(self.stages(x), 1).flatten(1)
        return self.classifier(x)


def diverse_noise(x, sigma_max):
    sigma = torch.empty(x.size(0), 1, 1, 1).uniform_(0, sigma_max)
    return x + sigma * torch.randn_like(x)


def kl(p_logits, q_logits):
    log_p = F.log_softmax(p_logits.float(), 1)
    log_q = F.log_softmax(q_logits.float(), 1)
    return (log_p.exp() * (log_p - log_q)).sum(1).mean()


def write_json(path, record):
    """Writes to a temporary name, then renames: a reader never sees half a file."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=2)
    os.replace(tmp, path)


def loss_of(model, x, y, args, concat):
    if args.method == "standard":
        return F.cross_entropy(model(x).float(), y)
    views = [diverse_noise(x, args.sigma_max) for _ in range(args.samples)]
    if concat:
        logits = model(torch.cat([x] + views)).chunk(args.samples + 1)
        clean, noisy = logits[0], logits[1:]
    else:
        clean = model(x)
        noisy = [model(v) for v in views]
    consistency = sum(kl(clean, q) for q in noisy) / args.samples
    return F.cross_entropy(clean.float(), y) + args.lam * consistency


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--config", choices=["paper", "bf16", "concat"], default="paper")
    p.add_argument("--method", choices=["standard", "dign"], default="dign")
    p.add_argument("--samples", type=int, default=3)
    p.add_argument("--lam", type=float, default=0.2)
    p.add_argument("--sigma-max", type=float, default=0.2)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--warmup-iters", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0 = the cores this process may use")
    p.add_argument("--json", default="")
    args = p.parse_args()

    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    bf16 = args.config in ("bf16", "concat")
    layout = torch.channels_last if bf16 else torch.contiguous_format
    model = ResNet18(args.width, 10).to(memory_format=layout).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    x = torch.rand(args.batch_size, 3, 32, 32).contiguous(memory_format=layout)
    y = torch.randint(10, (args.batch_size,))

    seconds = []
    for i in range(args.warmup_iters + args.iters):
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = loss_of(model, x, y, args, args.config == "concat")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if i >= args.warmup_iters:
            seconds.append(time.perf_counter() - start)
    ips = args.batch_size * len(seconds) / sum(seconds)
    record = {"benchmark": "train_peer", "config": args.config, "method": args.method,
              "samples": args.samples if args.method == "dign" else None, "width": args.width,
              "batch_size": args.batch_size, "iters": args.iters, "warmup_iters": args.warmup_iters,
              "threads": threads, "torch_version": torch.__version__, "step_seconds": seconds,
              "images_per_second": ips}
    if args.json:
        write_json(args.json, record)
    print(f"peer {args.config}: {args.method} width {args.width}, batch {args.batch_size}, "
          f"{threads} threads")
    print(f"images/s {ips:.2f}")


if __name__ == "__main__":
    main()
