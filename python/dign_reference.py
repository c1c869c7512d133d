"""dign's architectures in PyTorch, with dign's module names, for state dicts written by
`dign export --format state-dict`.

A dign model takes float [N,3,H,W] images in [0,1] and returns logits; the training set's
per-channel mean and standard deviation live inside it as the buffers normalize.mean and
normalize.inv_std (1 / std), applied as (x - mean) * inv_std. Each class below computes what
dign's C++ network computes (src/models/resnet.cpp, resnet50.cpp, densenet.cpp, dual_norm.cpp),
operation for operation, so a state dict loads with strict=True and gives dign's logits:

    import torch, dign_reference
    model = dign_reference.load("model.pth")          # torch.load(..., weights_only=True)
    logits = model(images)                            # images in [0,1]

`dign export` (the default format, TorchScript) needs no definition at all:
torch.jit.load("model.pt")(images).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, kernel, stride):
    """dign's conv_no_bias: padding kernel // 2, no bias (a BatchNorm follows)."""
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)


class Normalize(nn.Module):
    def __init__(self, mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25)):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer(
            "inv_std", 1.0 / torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) * self.inv_std


class DualBatchNorm2d(nn.Module):
    """AugMax's two BatchNorms (--norm dubin): "main" normalises clean images and evaluation,
    "auxiliary" the AugMax images in training; `route` picks one (main by default)."""

    def __init__(self, channels):
        super().__init__()
        self.main = nn.BatchNorm2d(channels)
        self.auxiliary = nn.BatchNorm2d(channels)
        self.route = "main"

    def forward(self, x):
        return self.main(x) if self.route == "main" else self.auxiliary(x)


class DuBIN(nn.Module):
    """AugMax's DuBIN: the first floor(C/2) channels through an affine InstanceNorm2d (no
    running statistics), the rest through a DualBatchNorm2d; one channel goes wholly to the
    latter."""

    def __init__(self, channels):
        super().__init__()
        self.half = channels // 2
        if self.half > 0:
            self.instance_norm = nn.InstanceNorm2d(self.half, affine=True)
        self.batch_norm = DualBatchNorm2d(channels - self.half)

    def forward(self, x):
        if self.half == 0:
            return self.batch_norm(x)
        return torch.cat([self.instance_norm(x[:, :self.half]),
                          self.batch_norm(x[:, self.half:])], 1)


class BasicBlock(nn.Module):
    """first: bn1's layer; rest: bn2's and the shortcut's (nn.BatchNorm2d unless --norm dubin)."""

    def __init__(self, cin, planes, stride, first=nn.BatchNorm2d, rest=nn.BatchNorm2d):
        super().__init__()
        self.conv1 = conv(cin, planes, 3, stride)
        self.bn1 = first(planes)
        self.conv2 = conv(planes, planes, 3, 1)
        self.bn2 = rest(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != planes:
            self.shortcut = nn.Sequential(conv(cin, planes, 1, stride), rest(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class Bottleneck(nn.Module):
    """ResNet-50 v1.5's block: the stride on the 3x3 convolution."""

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = conv(cin, planes, 1, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv(planes, planes, 3, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv(planes, 4 * planes, 1, 1)
        self.bn3 = nn.BatchNorm2d(4 * planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != 4 * planes:
            self.shortcut = nn.Sequential(conv(cin, 4 * planes, 1, stride),
                                          nn.BatchNorm2d(4 * planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """ResNet-18 (--arch resnet18: widths w, 2w, 4w, 8w; wrn18: 5x those) and ResNet-50.

    stem: "cifar" (3x3/1 convolution), "tiny" (7x7/2, dign's Tiny-ImageNet form) or
    "imagenet" (7x7/2 and a 3x3/2 max-pool, ResNet-50's). norm (BasicBlock only): "bn" or
    "dubin" (AugMax's: DuBIN as bn1 in stages 1-3, a DualBatchNorm2d everywhere else).
    """

    def __init__(self, widths, blocks=(2, 2, 2, 2), block=BasicBlock, stem="cifar",
                 num_classes=10, mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25), norm="bn"):
        super().__init__()
        expansion = 4 if block is Bottleneck else 1
        rest = DualBatchNorm2d if norm == "dubin" else nn.BatchNorm2d
        self.max_pool = stem == "imagenet"
        self.normalize = Normalize(mean, std)
        self.stem = conv(3, widths[0], 3, 1) if stem == "cifar" else conv(3, widths[0], 7, 2)
        self.stem_bn = rest(widths[0])
        layers, cin = [], widths[0]
        for stage, (planes, count) in enumerate(zip(widths, blocks)):
            norms = {}
            if block is BasicBlock:
                norms = {"first": DuBIN if norm == "dubin" and stage < 3 else rest, "rest": rest}
            for b in range(count):
                layers.append(block(cin, planes, 2 if stage > 0 and b == 0 else 1, **norms))
                cin = planes * expansion
        self.stages = nn.Sequential(*layers)
        self.classifier = nn.Linear(cin, num_classes)

    def forward(self, images):
        x = F.relu(self.stem_bn(self.stem(self.normalize(images))))
        if self.max_pool:
            x = F.max_pool2d(x, 3, 2, 1)
        x = self.stages(x)
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class DenseLayer(nn.Module):
    def __init__(self, cin, growth_rate):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = conv(cin, 4 * growth_rate, 1, 1)
        self.bn2 = nn.BatchNorm2d(4 * growth_rate)
        self.conv2 = conv(4 * growth_rate, growth_rate, 3, 1)

    def forward(self, x):
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        return torch.cat([out, x], 1)


class Transition(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.bn = nn.BatchNorm2d(cin)
        self.conv = conv(cin, cout, 1, 1)

    def forward(self, x):
        return F.avg_pool2d(self.conv(F.relu(self.bn(x))), 2)


class DenseNet121(nn.Module):
    """DenseNet-121 in the CIFAR form (--arch densenet121, --growth-rate k)."""

    def __init__(self, growth_rate=12, num_classes=10, mean=(0.5, 0.5, 0.5),
                 std=(0.25, 0.25, 0.25)):
        super().__init__()
        k, planes = growth_rate, 2 * growth_rate
        self.normalize = Normalize(mean, std)
        self.stem = conv(3, planes, 3, 1)
        for b, count in enumerate((6, 12, 24, 16), start=1):
            layers = []
            for _ in range(count):
                layers.append(DenseLayer(planes, k))
                planes += k
            self.add_module(f"dense{b}", nn.Sequential(*layers))
            if b < 4:
                self.add_module(f"trans{b}", Transition(planes, planes // 2))
                planes //= 2
        self.bn = nn.BatchNorm2d(planes)
        self.classifier = nn.Linear(planes, num_classes)

    def forward(self, images):
        x = self.stem(self.normalize(images))
        x = self.trans1(self.dense1(x))
        x = self.trans2(self.dense2(x))
        x = self.trans3(self.dense3(x))
        x = F.relu(self.bn(self.dense4(x)))
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def model_for(state_dict):
    """The network a dign state dict holds, its shapes read from the dict."""
    classes = state_dict["classifier.weight"].shape[0]
    stem = state_dict["stem.weight"]
    if "dense1.0.bn1.weight" in state_dict:
        return DenseNet121(growth_rate=stem.shape[0] // 2, num_classes=classes)
    if "stages.0.conv3.weight" in state_dict:
        w = stem.shape[0]
        return ResNet([w, 2 * w, 4 * w, 8 * w], (3, 4, 6, 3), Bottleneck, "imagenet", classes)
    widths = [state_dict[f"stages.{i}.conv1.weight"].shape[0] for i in (0, 2, 4, 6)]
    return ResNet(widths, stem="cifar" if stem.shape[-1] == 3 else "tiny", num_classes=classes,
                  norm="dubin" if "stem_bn.main.weight" in state_dict else "bn")


def load(path):
    """A dign state dict file as a PyTorch model in eval mode (strict: every name must match)."""
    state_dict = torch.load(path, map_location="cpu", weights_only=True)
    model = model_for(state_dict)
    model.load_state_dict(state_dict, strict=True)
    return model.eval()
