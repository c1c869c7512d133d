#!/usr/bin/python3
"""The CIFAR-10 recipe of docs/results/cifar10-c.md, trained and evaluated in PyTorch from Python.

An independent cross-check of `dign train` + `dign eval`: when dign's run of a method misses a
figure (issue 9's RMSE-N, TRADES' clean and PGD-20 accuracy), this tells whether the recipe or
dign's implementation of it is the cause. Same model and DiGN objective as bench/train_peer.py
(imported from it), same data (an ImageFolder tree of 32x32 images, classes and files sorted),
same recipe: SGD (Nesterov 0.9, weight decay 5e-4), batch 128, lr 0.1 divided by 10 at the
milestones, random crop (4 pixels of zero padding) and horizontal flip, the model's input
normalization from the training set's channel means and standard deviations. TRADES and PGD
adversarial training (AT) as dign's objectives (src/objectives/trades.cpp,
adversarial_training.cpp, src/attacks/pgd.cpp): l_inf 8/255, 7 steps of 2.5 eps / 7, BatchNorm
in eval mode during the attack, images kept in [0,1]; TRADES starts from 0.001 N(0, I) and
ascends the KL to the clean prediction (beta 3.0), AT starts from 0 and ascends the CE.
Evaluates the final model (dign evaluates its best-on-test checkpoint: the per-epoch test
accuracy in the JSON shows how far apart the two are) on the clean test set and on the noise
corruptions of a CIFAR-10-C directory written by `dign corrupt`, with dign's metric definitions:
16 equal-width bins (k/16, (k+1)/16], a confidence of 0 in the first, the noise subset (shot,
impulse, speckle) pooled into one binning. With --pgd-limit N, also the robust
accuracy as `dign eval --attack pgd --attack-limit N`: PGD-20 (l_inf 8/255, 20 steps of
2.5 eps / 20, a uniform start in the ball, each image's highest-loss iterate) on N evenly
spaced test images. Random draws follow dign's distributions, not its streams.

Run with Debian's python3-torch (/usr/bin/python3), the same LibTorch 1.13 that dign links:

  dign corrupt --data ../shared/datasets/cifar10-jpeg --out runs/c10c-noise --corruption-seed 0 \
      --corruptions shot_noise,impulse_noise,speckle_noise
  bench/reference_recipe.py --data ../shared/datasets/cifar10-jpeg --corrupted runs/c10c-noise \
      --method dign --seed 0 --json runs/py-dign-s0.json
  bench/reference_recipe.py --data ../shared/datasets/cifar10-jpeg --corrupted runs/c10c-noise \
      --method trades --seed 0 --json runs/py-trades-s0.json
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_peer import ResNet18, loss_of, write_json  # noqa: E402

NOISE = ["shot_noise", "impulse_noise", "speckle_noise"]  # the paper's -N set


def load_split(root):
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    images, labels = [], []
    for label, name in enumerate(classes):
        folder = os.path.join(root, name)
        for file in sorted(os.listdir(folder)):
            with Image.open(os.path.join(folder, file)) as im:
                images.append(np.asarray(im.convert("RGB"), dtype=np.uint8))
            labels.append(label)
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def augment(batch_u8, generator):
    """Random crop with 4 pixels of zero padding, then a horizontal flip with probability 1/2."""
    n, h, w, _ = batch_u8.shape
    x = torch.from_numpy(batch_u8).permute(0, 3, 1, 2).float().div_(255)
    padded = F.pad(x, (4, 4, 4, 4))
    offsets = torch.randint(0, 9, (n, 2), generator=generator)
    flips = torch.rand(n, generator=generator) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        top, left = int(offsets[i, 0]), int(offsets[i, 1])
        crop = padded[i, :, top:top + h, left:left + w]
        out[i] = crop.flip(2) if flips[i] else crop
    return out


class Calibration:
    """dign's CalibrationMeter in NumPy: 16 bins (k/16, (k+1)/16], confidence 0 in the first."""

    def __init__(self, bins=16):
        self.bins = bins
        self.confidences, self.correct = [], []

    def add(self, confidence, correct):
        self.confidences.append(confidence.astype(np.float64))
        self.correct.append(correct.astype(np.float64))

    def value(self):
        c = np.concatenate(self.confidences)
        ok = np.concatenate(self.correct)
        index = np.clip(np.ceil(c * self.bins).astype(np.int64) - 1, 0, self.bins - 1)
        rmse = ece = oe = 0.0
        for b in range(self.bins):
            sel = index == b
            if not sel.any():
                continue
            weight = sel.sum() / len(c)
            acc, conf = ok[sel].mean(), c[sel].mean()
            rmse += weight * (acc - conf) ** 2
            ece += weight * abs(acc - conf)
            oe += weight * conf * max(conf - acc, 0.0)
        return {"count": int(len(c)), "accuracy": float(ok.mean()), "rmse": float(np.sqrt(rmse)),
                "ece": float(ece), "oe": float(oe)}


def evaluate(model, images_u8, labels, bf16, meter=None, batch=1000):
    meter = meter or Calibration()
    model.eval()
    layout = torch.channels_last if bf16 else torch.contiguous_format
    with torch.inference_mode():
        for start in range(0, len(labels), batch):
            x = torch.from_numpy(np.array(images_u8[start:start + batch]))
            x = x.permute(0, 3, 1, 2).float().div_(255).contiguous(memory_format=layout)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits = model(x)
            p = F.softmax(logits.float(), 1)
            confidence, predicted = p.max(1)
            y = torch.from_numpy(np.asarray(labels[start:start + batch], dtype=np.int64))
            meter.add(confidence.numpy(), (predicted == y).numpy())
    return meter


EPS = 8 / 255  # the paper's l_inf radius, in [0,1] pixel units


def kl_rows(p_logits, q_logits):
    """dign's kl_divergence: per-example KL(p || q), in fp32 whatever autocast computed."""
    log_p = F.log_softmax(p_logits.float(), 1)
    log_q = F.log_softmax(q_logits.float(), 1)
    return (log_p.exp() * (log_p - log_q)).sum(1)


def pgd(model, images, loss, steps, step_size, start, keep_best=False, eps=EPS):
    """dign's attacks::pgd, l_inf: x + delta, detached, within eps of `images` and in [0,1].

    delta steps up the sign of the gradient of loss(logits).sum() (a per-example loss), each
    step followed by the projection onto the ball and then onto [0,1] (the box contains x, so
    the clamp keeps delta in the ball). BatchNorm in eval mode during the attack, the model's
    mode restored afterwards; only delta's gradient is taken, no parameter's .grad is touched.
    keep_best returns each image's highest-loss iterate (evaluation), else the last (training).
    """
    was_training = model.training
    model.eval()
    x = images.detach()
    delta = (x + start.clamp(-eps, eps)).clamp(0, 1) - x
    best = best_loss = None

    def keep_if_higher(candidate, value):
        nonlocal best, best_loss
        if best is None:
            best, best_loss = candidate.detach().clone(), value.detach()
            return
        higher = value.detach() > best_loss  # ties keep the earlier iterate, as dign
        best = torch.where(higher.view(-1, 1, 1, 1), candidate.detach(), best)
        best_loss = torch.where(higher, value.detach(), best_loss)

    for _ in range(steps):
        delta.requires_grad_(True)
        adversarial = x + delta
        value = loss(model(adversarial))
        if keep_best:
            keep_if_higher(adversarial, value)
        (gradient,) = torch.autograd.grad(value.sum(), delta)
        delta = delta.detach() + step_size * gradient.to(x.dtype).sign()
        delta = (x + delta.clamp(-eps, eps)).clamp(0, 1) - x
    if keep_best:
        with torch.no_grad():
            keep_if_higher(x + delta, loss(model(x + delta)))
    model.train(was_training)
    return best if keep_best else (x + delta).detach()


def ce_rows(labels):
    return lambda logits: F.cross_entropy(logits.float(), labels, reduction="none")


def adversarial_loss(model, x, y, args):
    """dign's TRADES and AT objectives: (loss, the logits training accuracy counts, parts)."""
    steps, step_size = 7, 2.5 * EPS / 7  # the paper's code, after Madry et al.
    if args.method == "at":
        adversarial = pgd(model, x, ce_rows(y), steps, step_size, torch.zeros_like(x))
        logits = model(adversarial)
        ce = F.cross_entropy(logits.float(), y)
        return ce, logits, {"ce": float(ce)}
    with torch.no_grad():  # the clean prediction the attack moves away from, eval-mode BN
        model.eval()
        target = model(x).detach()
        model.train()
    # From delta = 0 the KL's gradient is exactly zero: TRADES' code starts at 0.001 N(0, I).
    adversarial = pgd(model, x, lambda logits: kl_rows(target, logits), steps, step_size,
                      0.001 * torch.randn_like(x))
    clean, noisy = model(x), model(adversarial)  # two train-mode forwards, as dign
    ce = F.cross_entropy(clean.float(), y)
    kl = kl_rows(clean, noisy).mean()  # gradients through both distributions
    return ce + args.trades_beta * kl, clean, {"ce": float(ce), "kl": float(kl)}


def evenly_spaced(size, limit):
    """dign's data::evenly_spaced: image k * size / n for k < n."""
    n = size if limit <= 0 or limit >= size else limit
    return np.asarray([k * size // n for k in range(n)], dtype=np.int64)


def robust_accuracy(model, images_u8, labels, bf16, seed, batch=500):
    """`dign eval --attack pgd`: PGD-20 from a uniform start, each image's highest-loss iterate;
    correct under attack counts. dign draws each image's start from (seed, image index), this
    from one generator seeded with `seed`: the same distribution, not the same draws."""
    generator = torch.Generator().manual_seed(seed)
    layout = torch.channels_last if bf16 else torch.contiguous_format
    model.eval()
    correct = 0
    for first in range(0, len(labels), batch):
        x = torch.from_numpy(np.array(images_u8[first:first + batch]))
        x = x.permute(0, 3, 1, 2).float().div_(255).contiguous(memory_format=layout)
        y = torch.from_numpy(np.asarray(labels[first:first + batch], dtype=np.int64))
        start = torch.empty(x.shape).uniform_(-EPS, EPS, generator=generator)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            adversarial = pgd(model, x, ce_rows(y), 20, 2.5 * EPS / 20, start, keep_best=True)
            with torch.no_grad():
                correct += int((model(adversarial).argmax(1) == y).sum())
    return correct / len(labels)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="ImageFolder root with train/ and test/")
    p.add_argument("--corrupted", required=True, help="CIFAR-10-C directory (dign corrupt)")
    p.add_argument("--method", choices=["standard", "dign", "trades", "at"], default="dign")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="bf16")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--milestones", default="7,11")
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--samples", type=int, default=3)
    p.add_argument("--lam", type=float, default=0.2)
    p.add_argument("--sigma-max", type=float, default=0.2)
    p.add_argument("--trades-beta", type=float, default=3.0,
                   help="weight of TRADES' KL term (the paper's code 3.0; TRADES' own 6.0)")
    p.add_argument("--pgd-limit", type=int, default=1000,
                   help="PGD-20 on N evenly spaced test images (0 = skip)")
    p.add_argument("--threads", type=int, default=0, help="0 = the cores this process may use")
    p.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--json", required=True)
    args = p.parse_args()

    torch.set_num_threads(args.threads or len(os.sched_getaffinity(0)))
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    bf16 = args.precision == "bf16"
    layout = torch.channels_last if bf16 else torch.contiguous_format
    milestones = [int(m) for m in args.milestones.split(",") if m]

    train_x, train_y = load_split(os.path.join(args.data, "train"))
    test_x, test_y = load_split(os.path.join(args.data, "test"))
    if args.limit:
        keep = torch.randperm(len(train_y), generator=generator)[:args.limit].numpy()
        train_x, train_y = train_x[keep], train_y[keep]
    pixels = train_x.reshape(-1, 3).astype(np.float64) / 255
    model = ResNet18(args.width, int(train_y.max()) + 1)
    model.mean.copy_(torch.tensor(pixels.mean(0)).view(1, 3, 1, 1))
    model.inv_std.copy_(1 / torch.tensor(pixels.std(0)).view(1, 3, 1, 1))
    model = model.to(memory_format=layout)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    log = []
    start = time.time()
    for epoch in range(args.epochs):
        lr = 0.1 * 0.1 ** sum(epoch >= m for m in milestones)
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        order = torch.randperm(len(train_y), generator=generator).numpy()
        total, seen, parts, right = 0.0, 0, {}, 0
        for first in range(0, len(order), 128):
            index = np.sort(order[first:first + 128])
            x = augment(train_x[index], generator).contiguous(memory_format=layout)
            y = torch.from_numpy(train_y[index])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                if args.method in ("trades", "at"):
                    loss, logits, terms = adversarial_loss(model, x, y, args)
                    right += int((logits.detach().argmax(1) == y).sum())
                else:
                    loss, terms = loss_of(model, x, y, args, concat=False), {}  # a forward per view
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += float(loss) * len(index)
            seen += len(index)
            for name, value in terms.items():
                parts[name] = parts.get(name, 0.0) + value * len(index)
        clean_accuracy = evaluate(model, test_x, test_y, bf16).value()["accuracy"]
        log.append({"epoch": epoch + 1, "lr": lr, "train_loss": total / seen,
                    "test_accuracy": clean_accuracy, "seconds": time.time() - start})
        # dign's log.jsonl names: train_ce, train_kl, train_accuracy (AT: on its adversarial images)
        log[-1].update({"train_" + name: value / seen for name, value in parts.items()})
        if args.method in ("trades", "at"):
            log[-1]["train_accuracy"] = right / seen
        print(json.dumps(log[-1]), flush=True)

    result = {"recipe": vars(args), "torch_version": torch.__version__, "epochs": log,
              "clean": evaluate(model, test_x, test_y, bf16).value(), "corrupted": {}}
    pooled = Calibration()
    labels = np.load(os.path.join(args.corrupted, "labels.npy"), mmap_mode="r")
    for name in NOISE:
        images = np.load(os.path.join(args.corrupted, name + ".npy"), mmap_mode="r")
        severities = len(labels) // len(test_y)
        per_severity = []
        for s in range(severities):
            part = slice(s * len(test_y), (s + 1) * len(test_y))
            meter = evaluate(model, images[part], labels[part], bf16)
            pooled.confidences += meter.confidences
            pooled.correct += meter.correct
            per_severity.append(meter.value()["accuracy"])
        result["corrupted"][name] = per_severity
    result["mca_n"] = float(np.mean([np.mean(v) for v in result["corrupted"].values()]))
    result["noise_pooled"] = pooled.value()
    best = max(log, key=lambda e: e["test_accuracy"])  # the checkpoint dign would evaluate
    result["best_epoch"] = {"epoch": best["epoch"], "test_accuracy": best["test_accuracy"]}
    if args.pgd_limit:
        chosen = evenly_spaced(len(test_y), args.pgd_limit)
        result["pgd20_images"] = len(chosen)
        result["pgd20_accuracy"] = robust_accuracy(model, test_x[chosen], test_y[chosen], bf16,
                                                   args.seed)
    write_json(args.json, result)
    print(f"clean {result['clean']['accuracy']:.4f}  mCA-N {result['mca_n']:.4f}  "
          f"RMSE-N {result['noise_pooled']['rmse']:.4f}  ECE-N {result['noise_pooled']['ece']:.4f}"
          + (f"  PGD-20 {result['pgd20_accuracy']:.4f}" if args.pgd_limit else ""))


if __name__ == "__main__":
    main()
