#!/usr/bin/python3
"""Regenerates the ONNX test fixtures of io.batchjac.engine.onnx.OnnxFixturesTest.

Run from anywhere with Debian's python3-torch (torch 1.13; the onnx pip package is not needed):

    /usr/bin/python3 engine/src/test/resources/onnx/make_fixtures.py

For each model NAME it writes, beside this script:
  NAME.onnx        the model, exported by torch.onnx.export with a dynamic first (batch) axis
  NAME.x.npy       float64 inputs, C order (B, N): all inputs of a sample flattened and
                   concatenated in declaration order (batchjac's layout)
  NAME.jac.npy     float64 per-sample Jacobians computed by PyTorch's autograd, C order (B, M, N)
  NAME.y.npy       float64 outputs, C order (B, M)
  example_mlp.onnx is conf/examples/mlp.fn exported from PyTorch with the same weights.
  NAME.hess.npy    for the one-output model scalar_mlp: per-sample Hessians, C order (B, N, N)
Models exported in float32 are differentiated by PyTorch after converting the same model to
float64, so the reference uses exactly the (widened) float32 weights stored in the file.
The refused_*.onnx models contain an operator the importer must refuse; they have no .npy files.
mlp64.onnx is also copied to conf/examples/torch_mlp.onnx, the README's example model.
"""
import copy
import os
import shutil

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
B = 5
OPSET = 14


class Mlp(nn.Module):
    """4 -> 8 -> 8 -> 8 -> 3 with tanh, sigmoid, ELU, leaky ReLU, softplus, GELU (erf) and ReLU.

    ONNX stores attributes such as ELU's alpha as float32: the alphas here are exact in float32
    so that the exported model is the same function as the PyTorch one.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 8)
        self.fc3 = nn.Linear(8, 8)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        h = torch.sigmoid(self.fc2(h)) + nn.functional.elu(h, alpha=0.75)
        h = nn.functional.leaky_relu(self.fc3(h), 0.125) + nn.functional.softplus(h)
        h = nn.functional.gelu(h) + torch.relu(h - 0.5)
        return self.out(h)


class TwoInTwoOut(nn.Module):
    """Inputs x (B, 3) and z (B, 2, 2); outputs p (B, 4) and q (B, 2): structural operators."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(2, 3))
        self.proj = nn.Linear(7, 4)

    def forward(self, x, z):
        zt = z.transpose(1, 2)                                # Transpose
        zf = torch.flatten(zt, 1)                             # Flatten
        u = torch.cat([x, zf], dim=1)                         # Concat
        p = torch.softmax(self.proj(u), dim=1)                # Gemm, Softmax
        m = torch.matmul(z, self.w)                           # MatMul (B, 2, 3)
        s = m.sum(dim=2) + m.mean(dim=1)[:, 1:3]              # ReduceSum, ReduceMean, Slice
        g = x[:, [2, 0]]                                      # Gather, constant indices
        v = torch.unsqueeze(g, 1).squeeze(1)                  # Unsqueeze, Squeeze
        r = torch.reshape(z, (-1, 4))[:, 0:2]                 # Reshape
        q = torch.where(v > 0.2, s * v, torch.clamp(r, -0.5, 0.8))  # Greater, Where, Clip
        q = torch.maximum(q, -torch.abs(v)) - torch.minimum(r, g) / 3.0  # Max, Min, Neg, Abs, Div
        q = q + torch.log_softmax(r, dim=1)                   # LogSoftmax
        return p, q


class ClosedForm(nn.Module):
    """The Borehole function's flow rate and a few more closed-form terms, written in torch code."""

    def forward(self, x):
        rw, r, tu, hu, tl, hl, l, kw = [x[:, i] for i in range(8)]
        lr = torch.log(r / rw)
        flow = 2 * np.pi * tu * (hu - hl) / (lr * (1 + 2 * l * tu / (lr * rw ** 2 * kw) + tu / tl))
        extra = torch.sqrt(hu) * torch.exp(-rw) + torch.sin(kw / 1000) * torch.cos(hl / 100) + (l / 1000) ** 1.5
        return torch.stack([flow, extra], dim=1)


class Extras(nn.Module):
    """Input x (B, 6): inference-mode batch norm, strided and reversed slices, 2-D gather indices,
    a per-sample matrix product, a power with a computed exponent, PyTorch's view(x.size(0), -1)."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(6)
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(6))
            self.bn.running_var.copy_(torch.rand(6) + 0.5)
            self.bn.weight.copy_(torch.randn(6))
            self.bn.bias.copy_(torch.randn(6))

    def forward(self, x):
        h = self.bn(x)                                        # BatchNormalization (eval)
        every_other = h[:, ::2]                               # Slice, step 2
        flipped = torch.flip(h, dims=[1])[:, 1:4]             # Slice, step -1
        g = h[:, [[0, 1], [5, 2]]]                            # Gather, 2-D indices -> (B, 2, 2)
        sq = torch.matmul(g, g.transpose(1, 2))               # MatMul of two per-sample matrices
        p = torch.pow(torch.sigmoid(every_other) + 0.5, torch.cos(flipped))  # Pow, computed exponent
        flat = sq.view(sq.size(0), -1)                        # Shape, Gather, Unsqueeze, Concat, Reshape
        return torch.cat([flat, p, torch.reciprocal(1 + h * h)], dim=1)


class ScalarMlp(nn.Module):
    """5 -> 6 -> 1 with tanh and softplus: one output value, for Hessians."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 6)
        self.out = nn.Linear(6, 1)

    def forward(self, x):
        return self.out(nn.functional.softplus(torch.tanh(self.fc(x)) * x[:, :1]))


class ExampleMlp(nn.Module):
    """conf/examples/mlp.fn written in PyTorch with that spec's weights (16 -> 64 -> 64 -> 8, tanh)."""

    def __init__(self):
        super().__init__()
        weights = os.path.join(HERE, "..", "..", "..", "..", "..", "conf", "examples", "mlp")
        self.fc1, self.fc2, self.fc3 = nn.Linear(16, 64), nn.Linear(64, 64), nn.Linear(64, 8)
        self.double()  # before copying: the float64 weights must not pass through float32
        with torch.no_grad():
            for i, fc in enumerate([self.fc1, self.fc2, self.fc3], start=1):
                fc.weight.copy_(torch.from_numpy(np.load(os.path.join(weights, "W%d.npy" % i))))
                fc.bias.copy_(torch.from_numpy(np.load(os.path.join(weights, "b%d.npy" % i))))

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x)))))


def hessians(model, name, x):
    """Per-sample Hessians of a one-output model, C order (B, N, N)."""
    model = model.double()
    h = [torch.autograd.functional.hessian(lambda v: model(v.reshape(1, -1)).reshape(()), x[b].double())
         for b in range(B)]
    np.save(os.path.join(HERE, name + ".hess.npy"), torch.stack(h).numpy())


class RefusedCumsum(nn.Module):
    def forward(self, x):
        return torch.cumsum(torch.tanh(x), dim=1)


class RefusedBatchSum(nn.Module):
    def forward(self, x):
        return x * x.sum(dim=0, keepdim=True)


class RefusedBatchSize(nn.Module):
    def forward(self, x):
        return x / x.size(0)


class RefusedReshape(nn.Module):
    def forward(self, x):
        return torch.reshape(torch.tanh(x), (2, -1))


def export(model, name, inputs, input_names, output_names, dtype):
    model = model.to(dtype).eval()
    xs = [t.to(dtype) for t in inputs]
    axes = {n: {0: "batch"} for n in input_names + output_names}
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(model, tuple(xs), path, input_names=input_names, output_names=output_names,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    return model, path


def reference(model, name, inputs):
    """Per-sample Jacobians of all outputs (flattened, concatenated) w.r.t. all inputs, in float64."""
    model = model.double()
    xs = [t.double() for t in inputs]
    sizes = [t[0].numel() for t in xs]
    shapes = [t.shape[1:] for t in xs]
    flat = torch.cat([t.reshape(B, -1) for t in xs], dim=1)

    def one(v):
        parts, off = [], 0
        for size, shape in zip(sizes, shapes):
            parts.append(v[off:off + size].reshape((1,) + tuple(shape)))
            off += size
        out = model(*parts)
        out = out if isinstance(out, tuple) else (out,)
        return torch.cat([o.reshape(-1) for o in out])

    ys = np.stack([one(flat[b]).detach().numpy() for b in range(B)])
    jac = np.stack([torch.autograd.functional.jacobian(one, flat[b]).numpy() for b in range(B)])
    np.save(os.path.join(HERE, name + ".x.npy"), flat.numpy())
    np.save(os.path.join(HERE, name + ".y.npy"), ys)
    np.save(os.path.join(HERE, name + ".jac.npy"), jac)


def main():
    torch.manual_seed(7)
    mlp_x = [torch.randn(B, 4)]
    mlp = Mlp()
    model, _ = export(copy.deepcopy(mlp), "mlp64", mlp_x, ["x"], ["y"], torch.float64)
    reference(model, "mlp64", mlp_x)
    shutil.copyfile(os.path.join(HERE, "mlp64.onnx"),
                    os.path.join(HERE, "..", "..", "..", "..", "..", "conf", "examples", "torch_mlp.onnx"))
    model, _ = export(mlp, "mlp32", mlp_x, ["x"], ["y"], torch.float32)
    reference(model, "mlp32", mlp_x)

    two_x = [torch.randn(B, 3), torch.randn(B, 2, 2)]
    model, _ = export(TwoInTwoOut(), "two_io", two_x, ["x", "z"], ["p", "q"], torch.float64)
    reference(model, "two_io", two_x)

    example_x = [torch.randn(B, 16)]
    model, _ = export(ExampleMlp(), "example_mlp", example_x, ["x"], ["y"], torch.float64)
    reference(model, "example_mlp", example_x)

    scalar_x = [torch.randn(B, 5)]
    model, _ = export(ScalarMlp(), "scalar_mlp", scalar_x, ["x"], ["y"], torch.float64)
    reference(model, "scalar_mlp", scalar_x)
    hessians(model, "scalar_mlp", scalar_x[0])

    extra_x = [torch.randn(B, 6)]
    model, _ = export(Extras(), "extras", extra_x, ["x"], ["y"], torch.float64)
    reference(model, "extras", extra_x)

    lo = torch.tensor([0.05, 100, 63070, 990, 63.1, 700, 1120, 9855], dtype=torch.float64)
    hi = torch.tensor([0.15, 50000, 115600, 1110, 116, 820, 1680, 12045], dtype=torch.float64)
    bore_x = [lo + (hi - lo) * torch.rand(B, 8, dtype=torch.float64)]
    model, _ = export(ClosedForm(), "closed_form", bore_x, ["x"], ["f"], torch.float64)
    reference(model, "closed_form", bore_x)

    for cls, name in [(RefusedCumsum, "refused_cumsum"), (RefusedBatchSum, "refused_batch_sum"),
                      (RefusedReshape, "refused_reshape"),
                      (RefusedBatchSize, "refused_batch_size")]:
        export(cls(), name, [torch.randn(B, 4)], ["x"], ["y"], torch.float64)
    bn = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    torch.onnx.export(bn.double().train(), (torch.randn(B, 4, dtype=torch.float64),),
                      os.path.join(HERE, "refused_batchnorm_training.onnx"), input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
                      opset_version=OPSET, training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False)


if __name__ == "__main__":
    main()
