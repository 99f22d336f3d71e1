#!/usr/bin/python3
"""PyTorch peer timings for nested AD (the three workloads of benchmarks/nested-compare.sh).

Workloads (the same networks and weights as conf/examples; float64; 2 threads):
  pinn     per-sample gradient of the heat-equation residual r = u_t - nu u_xx of a 2-32-32-1
           tanh network u(x, t) with respect to all its weights (conf/examples/pinn_heat.fn)
  penalty  per-sample gradient of sum((dy/dx)^2) of the 16-64-64-8 mlp with respect to W1
           (conf/examples/jacobian_penalty.fn)
  hvp      per-sample Hessian-vector product of sum(y^2) of the mlp with respect to x
           (conf/examples/hvp.fn)
Routes: 'functorch' (vmap of grad/jacrev/jvp compositions) and 'autograd' (torch.autograd.grad
with create_graph=True; per-sample weight gradients through weights expanded over the batch,
one backward pass). Each route: one warm-up, then --reps timed calls; prints one JSON object per
route with seconds_best, seconds_median, samples_per_s, and a checksum of the result.

  /usr/bin/python3 benchmarks/peers/torch_nested.py --workload pinn --batch 65536
"""
import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
import torch
from functorch import grad, jacrev, jvp, vmap

torch.set_num_threads(2)
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "conf", "examples")


def weights(net, layers):
    out = []
    for l in range(1, layers + 1):
        out.append(torch.tensor(np.load(os.path.join(EXAMPLES, net, "W%d.npy" % l))))
        out.append(torch.tensor(np.load(os.path.join(EXAMPLES, net, "b%d.npy" % l))))
    return out


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# ---------------------------------------------------------------- pinn

NU = 0.1


def pinn_u(p, x, t):
    W1, b1, W2, b2, W3, b3 = p
    h = torch.tanh(W1 @ torch.stack([x, t]) + b1)
    h = torch.tanh(W2 @ h + b2)
    return (W3 @ h + b3).sum()


def pinn_r(p, x, t):
    u_t = grad(pinn_u, argnums=2)(p, x, t)
    u_xx = grad(grad(pinn_u, argnums=1), argnums=1)(p, x, t)
    return u_t - NU * u_xx


def pinn_functorch(p, x, t):
    g = vmap(grad(pinn_r), in_dims=(None, 0, 0))(p, x, t)
    return torch.cat([gi.reshape(gi.shape[0], -1) for gi in g], dim=1)


def pinn_autograd(p, x, t):
    B = x.shape[0]
    W1, b1, W2, b2, W3, b3 = [w.expand((B,) + tuple(w.shape)).clone().requires_grad_(True) for w in p]
    x = x.clone().requires_grad_(True)
    t = t.clone().requires_grad_(True)
    z = torch.stack([x, t], dim=1).unsqueeze(2)
    h = torch.tanh(torch.bmm(W1, z).squeeze(2) + b1)
    h = torch.tanh(torch.bmm(W2, h.unsqueeze(2)).squeeze(2) + b2)
    u = (torch.bmm(W3, h.unsqueeze(2)).squeeze(2) + b3).sum(dim=1)
    u_t, u_x = torch.autograd.grad(u.sum(), (t, x), create_graph=True)
    u_xx, = torch.autograd.grad(u_x.sum(), x, create_graph=True)
    r = u_t - NU * u_xx
    ws = (W1, b1, W2, b2, W3, b3)
    g = torch.autograd.grad(r.sum(), ws, allow_unused=True)  # r does not depend on b3
    return torch.cat([(torch.zeros_like(w) if gi is None else gi).reshape(B, -1) for gi, w in zip(g, ws)], dim=1)


# ---------------------------------------------------------------- mlp

def mlp(p, x):
    W1, b1, W2, b2, W3, b3 = p
    h = torch.tanh(W1 @ x + b1)
    h = torch.tanh(W2 @ h + b2)
    return W3 @ h + b3


def penalty(W1, rest, x):
    J = jacrev(lambda xx: mlp([W1] + rest, xx))(x)
    return (J ** 2).sum()


def penalty_functorch(p, x):
    return vmap(grad(penalty), in_dims=(None, None, 0))(p[0], p[1:], x).reshape(x.shape[0], -1)


def penalty_autograd(p, x):
    B = x.shape[0]
    W1 = p[0].expand((B,) + tuple(p[0].shape)).clone().requires_grad_(True)
    b1, W2, b2, W3, b3 = p[1:]
    x = x.clone().requires_grad_(True)
    h = torch.tanh(torch.bmm(W1, x.unsqueeze(2)).squeeze(2) + b1)
    h = torch.tanh(h @ W2.T + b2)
    y = h @ W3.T + b3
    total = 0
    for m in range(y.shape[1]):
        gm, = torch.autograd.grad(y[:, m].sum(), x, create_graph=True)
        total = total + (gm ** 2).sum()
    g, = torch.autograd.grad(total, W1)
    return g.reshape(B, -1)


def hvp_functorch(p, x, v):
    loss = lambda xx: (mlp(p, xx) ** 2).sum()
    return vmap(lambda xx, vv: jvp(grad(loss), (xx,), (vv,))[1])(x, v)


def hvp_autograd(p, x, v):
    W1, b1, W2, b2, W3, b3 = p
    x = x.clone().requires_grad_(True)
    h = torch.tanh(x @ W1.T + b1)
    h = torch.tanh(h @ W2.T + b2)
    y = h @ W3.T + b3
    g, = torch.autograd.grad((y ** 2).sum(), x, create_graph=True)
    hv, = torch.autograd.grad(g, x, grad_outputs=v)
    return hv


# ---------------------------------------------------------------- timing

def time_route(fn, reps):
    fn()
    secs = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        secs.append(time.perf_counter() - t0)
    return secs, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", required=True, choices=["pinn", "penalty", "hvp"])
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--routes", default="functorch,autograd")
    ap.add_argument("--label", action="append", default=[], metavar="KEY=VALUE",
                    help="add this field to every JSON line printed (repeatable)")
    ap.add_argument("--save", help="write the first route's result (B, N) as .npy here")
    ap.add_argument("--save-inputs", help="write the inputs (B, inputs of the spec) as .npy here")
    args = ap.parse_args()
    torch.manual_seed(0)
    B = args.batch
    if args.workload == "pinn":
        p = weights("pinn_heat", 3)
        x = torch.rand(B, dtype=torch.float64) * 2 - 1
        v = None
        t = torch.rand(B, dtype=torch.float64)
        routes = {"functorch": lambda: pinn_functorch(p, x, t), "autograd": lambda: pinn_autograd(p, x, t)}
    elif args.workload == "penalty":
        p = weights("mlp", 3)
        x = torch.randn(B, 16, dtype=torch.float64)
        routes = {"functorch": lambda: penalty_functorch(p, x), "autograd": lambda: penalty_autograd(p, x)}
    else:
        p = weights("mlp", 3)
        x = torch.randn(B, 16, dtype=torch.float64)
        v = torch.randn(B, 16, dtype=torch.float64)
        routes = {"functorch": lambda: hvp_functorch(p, x, v), "autograd": lambda: hvp_autograd(p, x, v)}
    if args.save_inputs:
        cols = [x.reshape(B, -1), t.reshape(B, 1)] if args.workload == "pinn" else \
            [x] if args.workload == "penalty" else [x, v]
        np.save(args.save_inputs, torch.cat(cols, dim=1).numpy())
    results = {}
    for name in args.routes.split(","):
        with torch.no_grad() if False else torch.enable_grad():
            secs, out = time_route(routes[name], args.reps)
        results[name] = out.detach()
        labels = dict(kv.split("=", 1) for kv in args.label)
        print(json.dumps({**labels, "peer": "pytorch " + torch.__version__, "workload": args.workload, "route": name,
                          "batch": B, "cpu": cpu_model(), "threads": torch.get_num_threads(),
                          "seconds_best": min(secs), "seconds_median": statistics.median(secs),
                          "samples_per_s": B / min(secs), "checksum": float(out.detach().abs().sum())}), flush=True)
    if len(results) == 2:
        a, b = results.values()
        err = float((a - b).abs().max() / max(1e-300, float(a.abs().max())))
        print(json.dumps({"workload": args.workload, "routes_agree_rel": err}), flush=True)
    if args.save:
        np.save(args.save, next(iter(results.values())).numpy())


if __name__ == "__main__":
    main()
