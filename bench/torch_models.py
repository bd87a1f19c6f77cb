"""PyTorch forward and training-step throughput (samples/s, 2 threads) of the six networks, as JSON rows for
bench/models.bench.ts and bench/onnx.bench.ts. Usage:
python3 torch_models.py --models kbranch,resnet50 --batches 8,32 --reps 3 [--forward-only]"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_nets import NETS  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--models", default="kbranch,vgg16,vgg19,resnet50,resnet101,resnet152")
p.add_argument("--batches", default="8,32")
p.add_argument("--reps", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--forward-only", action="store_true", help="inference only (bench/onnx.bench.ts)")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
rows = []
for name in a.models.split(","):
    make, shapes = NETS[name]
    net = make()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-8)
    for b in [int(x) for x in a.batches.split(",")]:
        xs = [torch.randn(b, c, s, s) for c, s in shapes]
        y = (torch.rand(b, 19) > 0.7).float()

        def timed(f):
            ts, cpu = [], []
            for r in range(a.reps + 1):
                t0, c0 = time.perf_counter(), time.process_time()
                f()
                if r > 0:
                    ts.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
            rates = [b / t for t in ts]
            return b / statistics.median(ts), statistics.pstdev(rates), statistics.median(cpu) * 1000 / b

        def forward():
            net.eval()
            with torch.no_grad():
                torch.sigmoid(net(*xs))

        def step():
            net.train()
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(*xs), y)
            loss.backward()
            opt.step()

        for label, f in (("forward", forward),) + (() if a.forward_only else (("training step", step),)):
            v, sd, cpu_ms = timed(f)
            rows.append({"name": f"{name} {label}, batch {b}, pytorch {torch.__version__} ({a.threads} threads)", "value": v,
                         "unit": "samples/s", "n": a.reps, "stddev": sd, "note": f"{cpu_ms:.1f} CPU ms/sample"})
json.dump(rows, sys.stdout)
