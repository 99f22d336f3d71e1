#!/usr/bin/python3
"""Regenerates the model-call fixtures of io.batchjac.engine.lang.ModelCallFixturesTest (first
derivatives) and ModelSecondOrderTest (double backward).

Run from anywhere with Debian's python3-torch (torch 1.13):

    /usr/bin/python3 engine/src/test/resources/models/make_model_fixtures.py

The models called by the specs of this folder:
  ../onnx/mlp64.onnx   the ONNX fixture of make_fixtures.py (4 -> 3; rebuilt here from the same seed
                       and checked against mlp64.x.npy / mlp64.y.npy before anything is written)
  tiny_net.fn          a .fn model with input z[3], params W (4, 3), b (4), c (3) (tiny_W.npy ...,
                       written here) and two outputs h[4], s (a call returns them concatenated, [5])

For each residual NAME (a per-sample scalar r(x), x of shape (4,) or (3,)) it writes, float64:
  NAME.x.npy                 inputs, C order (B, N)
  NAME.r.npy                 r at each sample, (B,)
  NAME.grad.PARAM.npy        d r / d PARAM at each sample, (B,) + PARAM's shape, PARAM the model's
                             own name of the parameter (the spec sees it as MODEL.PARAM)
Residuals (the specs beside this script compute the same with model calls):
  onnx_residual   r = sum(net(x)^2) + sum(net(2 x) * x[0:3])          first derivatives w.r.t. weights
  fn_residual     r = sum(tiny(x)^2) + tiny(x * x)[4]                   first derivatives w.r.t. weights
  onnx_jacsum     r = sum(d net(x) / dx)  (the sum of the Jacobian's entries), and its gradient
                  w.r.t. the weights by double backward (torch.autograd.grad, create_graph=True);
                  onnx_jacsum.fn writes it with the language's jacobian(e, v)
  fn_jacsum       the same for tiny (fn_jacsum.fn)
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ONNX = os.path.join(HERE, "..", "onnx")
sys.path.insert(0, ONNX)
import make_fixtures  # noqa: E402  (the ONNX fixtures' models)

B = 5


def onnx_net():
    """mlp64 exactly as make_fixtures.main() builds it (same seed, same draws before it)."""
    torch.manual_seed(7)
    torch.randn(make_fixtures.B, 4)
    net = make_fixtures.Mlp().double().eval()
    x = torch.from_numpy(np.load(os.path.join(ONNX, "mlp64.x.npy")))
    y = np.load(os.path.join(ONNX, "mlp64.y.npy"))
    assert np.allclose(net(x).detach().numpy(), y, rtol=1e-14, atol=1e-14), "mlp64 was not rebuilt exactly"
    return net, dict(net.named_parameters())


def tiny_params():
    g = torch.Generator().manual_seed(3)
    params = {"W": torch.randn(4, 3, generator=g, dtype=torch.float64),
              "b": torch.randn(4, generator=g, dtype=torch.float64),
              "c": torch.randn(3, generator=g, dtype=torch.float64)}
    for name, p in params.items():
        np.save(os.path.join(HERE, "tiny_%s.npy" % name), p.numpy())
        p.requires_grad_(True)
    return params


def tiny(p, z):
    """tiny_net.fn for one sample z (3,): h = tanh(W @ z + b), s = sum(sin(z) * c); returns [h, s]."""
    h = torch.tanh(p["W"] @ z + p["b"])
    s = torch.sum(torch.sin(z) * p["c"])
    return torch.cat([h, s.reshape(1)])


def write(name, x, residual, params):
    """r and its gradients w.r.t. every parameter, sample by sample (create_graph for double backward)."""
    rs, grads = [], {k: [] for k in params}
    for b in range(x.shape[0]):
        r = residual(x[b])
        g = torch.autograd.grad(r, list(params.values()), allow_unused=True)  # unused: zero (output biases of jacsum)
        rs.append(r.item())
        for (k, pk), gk in zip(params.items(), g):
            grads[k].append(np.zeros(tuple(pk.shape)) if gk is None else gk.detach().numpy())
    np.save(os.path.join(HERE, name + ".x.npy"), x.detach().numpy())
    np.save(os.path.join(HERE, name + ".r.npy"), np.array(rs))
    for k, v in grads.items():
        np.save(os.path.join(HERE, "%s.grad.%s.npy" % (name, k)), np.stack(v))


def jacobian_sum(f, xb):
    """sum over i, j of d f_i / d x_j at one sample, differentiable again (create_graph=True)."""
    xb = xb.detach().clone().requires_grad_(True)
    y = f(xb)
    total = 0
    for i in range(y.shape[0]):
        (row,) = torch.autograd.grad(y[i], xb, create_graph=True)
        total = total + row.sum()
    return total


def main():
    net, net_params = onnx_net()
    g = torch.Generator().manual_seed(11)
    x4 = torch.randn(B, 4, generator=g, dtype=torch.float64)
    x3 = torch.randn(B, 3, generator=g, dtype=torch.float64)

    def one(f):
        return lambda v: f(v.reshape(1, -1)).reshape(-1)

    u = one(net)
    write("onnx_residual", x4, lambda v: torch.sum(u(v) ** 2) + torch.sum(u(2 * v) * v[0:3]), net_params)
    write("onnx_jacsum", x4, lambda v: jacobian_sum(u, v), net_params)

    p = tiny_params()
    t = lambda z: tiny(p, z)  # noqa: E731
    write("fn_residual", x3, lambda v: torch.sum(t(v) ** 2) + t(v * v)[4], p)
    write("fn_jacsum", x3, lambda v: jacobian_sum(t, v), p)


if __name__ == "__main__":
    main()
