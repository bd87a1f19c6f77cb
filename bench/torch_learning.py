"""PyTorch twin of bench/learning.ts: K-BranchCNN (bench/torch_nets.py) trained on the same model inputs that
ben19's pipeline made (.npy, NHWC), Adam 1e-3, mean sigmoid cross-entropy, batch B, reshuffled every epoch;
prints the test micro-F1 after each epoch as a JSON list. Usage: torch_learning.py NPY_DIR EPOCHS BATCH"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_nets import KBranch  # noqa: E402

d, epochs, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(2)
torch.manual_seed(42)


def load(split):
    xs = [torch.from_numpy(np.load(os.path.join(d, f"{split}_{n}.npy"))).permute(0, 3, 1, 2).contiguous() for n in ("10m", "20m", "60m")]
    return xs, torch.from_numpy(np.load(os.path.join(d, f"{split}_labels.npy")))


(train_x, train_y), (test_x, test_y) = load("train"), load("test")
net = KBranch()
opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-8)
curve = []
for epoch in range(epochs):
    net.train()
    order = torch.randperm(train_y.shape[0])
    for i in range(0, len(order), batch):
        idx = order[i : i + batch]
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(*[x[idx] for x in train_x]), train_y[idx])
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        pred = torch.cat([torch.sigmoid(net(*[x[i : i + 256] for x in test_x])) for i in range(0, test_y.shape[0], 256)]) >= 0.5
    tp = (pred & (test_y == 1)).sum().item()
    fp = (pred & (test_y == 0)).sum().item()
    fn = (~pred & (test_y == 1)).sum().item()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    curve.append(2 * p * r / (p + r) if p + r else 0.0)
    print(f"pytorch epoch {epoch + 1}: loss {loss.item():.4f}, test micro-F1 {curve[-1]:.4f}", file=sys.stderr)
print(json.dumps(curve))
