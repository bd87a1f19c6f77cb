"""The six reference networks in PyTorch, built as ben19 builds them in tfjs (src/models/), for the side-by-side
benchmark and learning check. NCHW. Same layer order, widths, padding, batch-norm momentum/epsilon and init."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pad(k):
    # 'same' for stride 1: TF pads (k-1)//2 before and the rest after (even kernels pad more after).
    return (k - 1) // 2, k - 1 - (k - 1) // 2


class ConvBlock(nn.Module):
    """conv (same, stride 1) -> batch norm (Keras momentum 0.99 = PyTorch 0.01, eps 1e-3) -> ReLU."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.pad = same_pad(k)
        self.conv = nn.Conv2d(cin, cout, k)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)
        nn.init.xavier_uniform_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        a, b = self.pad
        return F.relu(self.bn(self.conv(F.pad(x, (a, b, a, b)))))


class DenseBlock(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.fc = nn.Linear(i, o)
        self.bn = nn.BatchNorm1d(o, eps=1e-3, momentum=0.01)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        return F.relu(self.bn(self.fc(x)))


def flatten_nhwc(x):
    # Keras flattens NHWC; the order only permutes the dense weights, kept for fidelity.
    return x.permute(0, 2, 3, 1).flatten(1)


class KBranch(nn.Module):
    def __init__(self):
        super().__init__()
        d = nn.Dropout
        self.b10 = nn.ModuleList([ConvBlock(4, 32, 5), ConvBlock(32, 32, 5), ConvBlock(32, 64, 3)])
        self.b20 = nn.ModuleList([ConvBlock(6, 32, 3), ConvBlock(32, 32, 3), ConvBlock(32, 64, 3)])
        self.b60 = nn.ModuleList([ConvBlock(2, 32, 2), ConvBlock(32, 32, 2), ConvBlock(32, 32, 2)])
        self.fc10, self.fc20, self.fc60 = DenseBlock(30 * 30 * 64, 128), DenseBlock(30 * 30 * 64, 128), DenseBlock(20 * 20 * 32, 128)
        self.fusion = DenseBlock(384, 128)
        self.logits = nn.Linear(128, 19)
        nn.init.xavier_uniform_(self.logits.weight)
        nn.init.zeros_(self.logits.bias)
        self.d25, self.d5 = d(0.25), d(0.5)

    def forward(self, x10, x20, x60):
        c = self.b10
        x = self.d25(F.max_pool2d(c[0](x10), 2))
        x = self.d25(F.max_pool2d(c[1](x), 2))
        x = self.d25(c[2](x))
        a = self.d5(self.fc10(flatten_nhwc(x)))
        c = self.b20
        x = self.d25(F.max_pool2d(c[0](x20), 2))
        x = self.d25(c[1](x))
        x = self.d25(c[2](x))
        b = self.d5(self.fc20(flatten_nhwc(x)))
        x = x60
        for blk in self.b60:
            x = self.d25(blk(x))
        e = self.d5(self.fc60(flatten_nhwc(x)))
        f = self.d5(self.d25(self.fusion(torch.cat([a, b, e], 1))))
        return self.logits(f)


class VGG(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        layers, cin = [], 10
        for n, w in zip(blocks, [64, 128, 256, 512, 512]):
            for _ in range(n):
                layers += [nn.Conv2d(cin, w, 3, padding=1), nn.ReLU(inplace=True)]
                cin = w
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.fc6 = nn.Conv2d(512, 4096, 7, padding=3)
        self.fc7 = nn.Conv2d(4096, 4096, 1)
        self.fc8 = nn.Linear(4096, 19)

    def forward(self, x):
        x = F.dropout(F.relu(self.fc6(self.features(x))), 0.5, self.training)
        x = F.relu(self.fc7(x)).mean((2, 3))
        return self.fc8(F.dropout(x, 0.5, self.training))


class Bottleneck(nn.Module):
    def __init__(self, din, base, stride):
        super().__init__()
        depth = 4 * base
        self.stride = stride
        self.project = None if din == depth else nn.Sequential(nn.Conv2d(din, depth, 1, stride, bias=False), nn.BatchNorm2d(depth, eps=1e-5, momentum=0.003))
        self.c1 = nn.Sequential(nn.Conv2d(din, base, 1, bias=False), nn.BatchNorm2d(base, eps=1e-5, momentum=0.003), nn.ReLU(inplace=True))
        # Slim conv2d_same: symmetric explicit padding for the strided 3x3.
        self.c2 = nn.Sequential(nn.Conv2d(base, base, 3, stride, padding=1, bias=False), nn.BatchNorm2d(base, eps=1e-5, momentum=0.003), nn.ReLU(inplace=True))
        self.c3 = nn.Sequential(nn.Conv2d(base, depth, 1, bias=False), nn.BatchNorm2d(depth, eps=1e-5, momentum=0.003))

    def forward(self, x):
        s = self.project(x) if self.project is not None else (x if self.stride == 1 else x[:, :, :: self.stride, :: self.stride])
        return F.relu(s + self.c3(self.c2(self.c1(x))))


class ResNet(nn.Module):
    def __init__(self, units):
        super().__init__()
        self.root = nn.Sequential(nn.Conv2d(10, 64, 7, 2, padding=3, bias=False), nn.BatchNorm2d(64, eps=1e-5, momentum=0.003), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, padding=1))
        blocks, din = [], 64
        for b, (n, base) in enumerate(zip(units, [64, 128, 256, 512])):
            for u in range(n):
                blocks.append(Bottleneck(din, base, 2 if (u == n - 1 and b < 3) else 1))
                din = 4 * base
        self.blocks = nn.Sequential(*blocks)
        self.logits = nn.Linear(2048, 19)

    def forward(self, x):
        return self.logits(self.blocks(self.root(x)).mean((2, 3)))


NETS = {
    "kbranch": (KBranch, [(4, 120), (6, 60), (2, 20)]),
    "vgg16": (lambda: VGG([2, 2, 3, 3, 3]), [(10, 120)]),
    "vgg19": (lambda: VGG([2, 2, 4, 4, 4]), [(10, 120)]),
    "resnet50": (lambda: ResNet([3, 4, 6, 3]), [(10, 120)]),
    "resnet101": (lambda: ResNet([3, 4, 23, 3]), [(10, 120)]),
    "resnet152": (lambda: ResNet([3, 8, 36, 3]), [(10, 120)]),
}
