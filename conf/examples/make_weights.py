#!/usr/bin/env python3
"""Regenerates the example networks' weights (.npy, float64) beside their .fn specs.

The initialisation is the one the PyTorch peer benchmark uses, so both sides time the same
networks: W_l ~ Normal(0, 1/in), b_l ~ Normal(0, 0.1), drawn in the order W1, b1, W2, b2, ...
from numpy.random.default_rng(seed). Weights follow torch.nn.Linear: W has shape (out, in).
Run: /usr/bin/python3 conf/examples/make_weights.py   (needs numpy)
"""
import math
import os

import numpy as np

NETS = {
    "mlp": ([16, 64, 64, 8], 1001),
    "wide": ([4, 256, 256, 64], 1002),
    "scalar_mlp": ([8, 64, 1], 1005),
    "pinn_heat": ([2, 32, 32, 1], 1006),
}

here = os.path.dirname(os.path.abspath(__file__))
for name, (sizes, seed) in NETS.items():
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(here, name), exist_ok=True)
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W = rng.standard_normal((fan_out, fan_in)) * (1.0 / math.sqrt(fan_in))
        b = rng.standard_normal((fan_out,)) * math.sqrt(0.1)
        np.save(os.path.join(here, name, f"W{layer}.npy"), W)
        np.save(os.path.join(here, name, f"b{layer}.npy"), b)
    print(name, "written")
