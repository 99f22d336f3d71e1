#!/usr/bin/python3
"""PyTorch (Debian python3-torch 1.13.1) peer timings for batched per-sample Jacobians.

Origin: the project's PyTorch peer benchmark (common.py, torch_bench.py, roofline.py were handed
to the project outside the repository and copied here unchanged but for this script's options
--fast, --quiet-wait and --workload-quiet-wait, which benchmarks/compare.sh uses to keep its run
to a few minutes on a shared machine). Without them it behaves exactly as the original.

  /usr/bin/python3 torch_bench.py --tag refblas  --out results_refblas.json
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2 \
      /usr/bin/python3 torch_bench.py --tag openblas --out results_openblas.json

Every timed call: one discarded warm-up (unless the warm-up took > WARMUP_COUNTS_S seconds, then
it counts as the first repetition), then repetitions until 3 'clean' ones are collected (at most
3 + MAX_EXTRA attempts). Before each attempt the script waits (up to QUIET_WAIT_S) for a moment
where the other processes on the machine use < QUIET_CORES cores (sampled from /proc/stat minus
this process's own CPU time); an attempt during which the others used > DIRTY_CORES cores on
average is recorded but flagged 'dirty' and not counted unless no clean one can be had.
The timed region includes producing the result in the (B, M, N) C-order layout.
"""
import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

torch.set_num_threads(2)

try:
    import functorch
    from functorch import vmap, jacrev, jacfwd, hessian
    FUNCTORCH = "functorch %s importable" % functorch.__version__
except Exception as e:  # pragma: no cover
    functorch = None
    FUNCTORCH = "functorch import failed: %r" % (e,)
try:
    import torch.func  # noqa: F401
    TORCH_FUNC = "torch.func importable"
except Exception as e:
    TORCH_FUNC = "torch.func import failed: %r" % (e,)

QUIET_CORES = 0.30
DIRTY_CORES = 0.50
QUIET_WAIT_S = 20.0
MAX_EXTRA = 3
WORKLOAD_QUIET_WAIT_S = 180.0
WARMUP_COUNTS_S = 20.0
CHECK_K = 64
FAST = False   # --fast: skip the O(B^2) routes timed at small B (never the best; about half the run)

SMALL_B = {"mlp": [64, 128, 256], "wide": [64, 128, 256], "borehole": [256, 512, 1024],
           "ishigami": [256, 512, 1024], "scalar_mlp": [16, 32, 64]}
SIZES = {"mlp": 65536, "wide": 16384, "borehole": 1_000_000, "ishigami": 1_000_000, "scalar_mlp": 65536}
CLK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- CPU accounting
def _sys_busy():
    with open("/proc/stat") as fh:
        v = [int(t) for t in fh.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = v[:8]
    return (user + nice + system + irq + softirq) / CLK, steal / CLK


def _own_cpu():
    t = os.times()
    return t.user + t.system


def snapshot():
    busy, steal = _sys_busy()
    return time.perf_counter(), busy, steal, _own_cpu()


def foreign_between(a, b):
    wall = b[0] - a[0]
    if wall <= 0:
        return 0.0, 0.0, 0.0
    foreign = ((b[1] - a[1]) - (b[3] - a[3])) / wall
    steal = (b[2] - a[2]) / wall
    own = (b[3] - a[3]) / wall
    return max(foreign, 0.0), steal, own


def wait_quiet():
    t_start = time.perf_counter()
    while True:
        a = snapshot()
        time.sleep(0.5)
        b = snapshot()
        fr, _, _ = foreign_between(a, b)
        waited = time.perf_counter() - t_start
        if fr < QUIET_CORES or waited > QUIET_WAIT_S:
            return fr, waited


# ---------------------------------------------------------------- timing
RECORDS = []


def bench(workload, method, kind, B, fn, out_bytes, check=None, reps=3, note=None):
    rec = {"workload": workload, "method": method, "kind": kind, "B": B, "ok": False,
           "out_GB": out_bytes / 1e9, "note": note}
    print("-- %-10s %-62s B=%d" % (workload, method, B), flush=True)
    try:
        gc.collect()
        fr0, w0 = wait_quiet()
        s0 = snapshot()
        out = fn()
        s1 = snapshot()
        t_warm = s1[0] - s0[0]
        fw, st, own = foreign_between(s0, s1)
        if check is not None:
            rec["check_max_rel_err_first%d" % CHECK_K] = check(out)
        del out
        attempts = []
        if t_warm > WARMUP_COUNTS_S:
            attempts.append({"t": t_warm, "foreign_cores": fw, "steal_cores": st, "own_cores": own,
                             "loadavg1": os.getloadavg()[0], "quiet_before": fr0, "waited_s": w0,
                             "warmup_counted": True})
        rec["warmup_s"] = t_warm
        n_try = 0
        while (sum(1 for a in attempts if a["foreign_cores"] <= DIRTY_CORES) < reps
               and len(attempts) < reps + MAX_EXTRA):
            gc.collect()
            fr, waited = wait_quiet()
            la = os.getloadavg()[0]
            s0 = snapshot()
            out = fn()
            s1 = snapshot()
            del out
            fw, st, own = foreign_between(s0, s1)
            attempts.append({"t": s1[0] - s0[0], "foreign_cores": fw, "steal_cores": st, "own_cores": own,
                             "loadavg1": la, "quiet_before": fr, "waited_s": waited})
            n_try += 1
        clean = [a for a in attempts if a["foreign_cores"] <= DIRTY_CORES]
        use = clean if len(clean) >= reps else attempts
        use = use[:reps] if len(use) > reps else use
        ts = [a["t"] for a in use]
        rec.update({
            "ok": True, "times_s": ts, "best_s": min(ts), "median_s": statistics.median(ts),
            "samples_per_s": B / min(ts), "samples_per_s_median": B / statistics.median(ts),
            "out_GB_per_s_best": out_bytes / 1e9 / min(ts),
            "all_clean": len(clean) >= reps, "attempts": attempts,
            "max_foreign_cores_used": max(a["foreign_cores"] for a in use),
        })
        print("   best %.4f s  median %.4f s  (%.3g samples/s)  foreign<=%.2f cores  check=%s" % (
            rec["best_s"], rec["median_s"], rec["samples_per_s"], rec["max_foreign_cores_used"],
            rec.get("check_max_rel_err_first%d" % CHECK_K)), flush=True)
    except Exception as e:  # record failures (e.g. unsupported forward-mode rules) and go on
        rec["error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        print("   FAILED: %s" % rec["error"], flush=True)
    RECORDS.append(rec)
    gc.collect()
    return rec


def rel_err(a, ref):
    a = a.detach().numpy() if torch.is_tensor(a) else a
    ref = ref.detach().numpy() if torch.is_tensor(ref) else ref
    return float(np.abs(a - ref).max() / max(np.abs(ref).max(), 1e-300))


# ---------------------------------------------------------------- methods
def jac_methods(name, f, x):
    B, N = x.shape
    M = C.DIMS[name][1]
    jbytes = B * M * N * 8
    k = min(CHECK_K, B)
    Jref = torch.autograd.functional.jacobian(lambda z: f(z).sum(0), x[:k].clone(),
                                              vectorize=True).permute(1, 0, 2).contiguous()
    chk = lambda J: rel_err(J[:k], Jref)  # noqa: E731

    def fwd():
        with torch.no_grad():
            return f(x)

    bench(name, "forward pass (torch.no_grad)", "forward", B, fwd, B * M * 8)

    def rev():
        J = torch.autograd.functional.jacobian(lambda z: f(z).sum(0), x, vectorize=True)
        return J.permute(1, 0, 2).contiguous()

    bench(name, "autograd.functional.jacobian reverse, vectorize=True", "jacobian", B, rev, jbytes, chk)

    def fwad_loop():
        cols = []
        with torch.autograd.forward_ad.dual_level():
            for n in range(N):
                t = torch.zeros(B, N, dtype=x.dtype)
                t[:, n] = 1.0     # basis tangent e_n broadcast over the batch
                cols.append(torch.autograd.forward_ad.unpack_dual(
                    f(torch.autograd.forward_ad.make_dual(x, t))).tangent)
        return torch.stack(cols, dim=2)

    bench(name, "forward mode, loop over N basis tangents (forward_ad duals)", "jacobian", B,
          fwad_loop, jbytes, chk)
    if functorch is not None:
        E = torch.eye(N, dtype=x.dtype)
        bench(name, "forward mode, functorch vmap(jvp) over N broadcast basis tangents", "jacobian", B,
              lambda: vmap(lambda e: functorch.jvp(f, (x,), (e.unsqueeze(0).expand(B, N),))[1],
                           out_dims=2)(E).contiguous(), jbytes, chk)

    # torch.autograd.functional.jacobian(strategy='forward-mode') on the batch-summed function pushes
    # one tangent per ELEMENT of x (B*N of them), each through the whole batch: O(B^2) time and memory.
    # It is timed at small B only; the full-B figure is an extrapolation t(B) = t(Bs) (B/Bs)^2.
    for Bs in (SMALL_B[name] if not FAST else []):
        xs = x[:Bs].clone()

        def fwdmode(xs=xs):
            J = torch.autograd.functional.jacobian(lambda z: f(z).sum(0), xs, vectorize=True,
                                                   strategy="forward-mode")
            return J.permute(1, 0, 2).contiguous()

        Js = torch.autograd.functional.jacobian(lambda z: f(z).sum(0), xs[:k].clone(),
                                                vectorize=True).permute(1, 0, 2)
        r = bench(name, "autograd.functional.jacobian strategy='forward-mode' [O(B^2)]", "jacobian-smallB",
                  Bs, fwdmode, Bs * M * N * 8, lambda J, Js=Js: rel_err(J[:k], Js))
        if r.get("ok"):
            r["extrapolated_full_B"] = B
            r["extrapolated_full_B_s"] = r["best_s"] * (B / Bs) ** 2

    def loop():
        z = x.detach().requires_grad_(True)
        y = f(z)
        rows = [torch.autograd.grad(y[:, m].sum(), z, retain_graph=(m < M - 1))[0] for m in range(M)]
        return torch.stack(rows, dim=1)

    bench(name, "reverse, loop over M outputs (autograd.grad, no vmap)", "jacobian", B, loop, jbytes, chk)

    if functorch is not None:
        bench(name, "functorch vmap(jacrev(f))", "jacobian", B,
              lambda: vmap(jacrev(f))(x).contiguous(), jbytes, chk)
        bench(name, "functorch vmap(jacfwd(f))", "jacobian", B,
              lambda: vmap(jacfwd(f))(x).contiguous(), jbytes, chk)
    return Jref


def jvp_vjp_methods(name, f, x, Jref):
    B, N = x.shape
    M = C.DIMS[name][1]
    u = torch.from_numpy(np.random.default_rng(C.SEEDS["bench_u"][name]).standard_normal((B, N)))
    v = torch.from_numpy(np.random.default_rng(C.SEEDS["bench_v"][name]).standard_normal((B, M)))
    k = Jref.shape[0]
    jvp_ref = torch.einsum("bmn,bn->bm", Jref, u[:k])
    vjp_ref = torch.einsum("bm,bmn->bn", v[:k], Jref)
    cj = lambda o: rel_err(o[:k], jvp_ref)  # noqa: E731
    cv = lambda o: rel_err(o[:k], vjp_ref)  # noqa: E731

    bench(name, "JVP torch.autograd.functional.jvp (double-backward trick)", "jvp", B,
          lambda: torch.autograd.functional.jvp(f, x, u)[1], B * M * 8, cj)

    def fwd_ad():
        with torch.autograd.forward_ad.dual_level():
            d = torch.autograd.forward_ad.make_dual(x, u)
            return torch.autograd.forward_ad.unpack_dual(f(d)).tangent

    bench(name, "JVP torch.autograd.forward_ad (dual tensors)", "jvp", B, fwd_ad, B * M * 8, cj)
    if functorch is not None:
        bench(name, "JVP functorch.jvp", "jvp", B, lambda: functorch.jvp(f, (x,), (u,))[1], B * M * 8, cj)

    bench(name, "VJP torch.autograd.functional.vjp", "vjp", B,
          lambda: torch.autograd.functional.vjp(f, x, v)[1], B * N * 8, cv)

    def grad_vjp():
        z = x.detach().requires_grad_(True)
        return torch.autograd.grad(f(z), z, v)[0]

    bench(name, "VJP autograd.grad(f(x), x, v) (forward incl.)", "vjp", B, grad_vjp, B * N * 8, cv)
    if functorch is not None:
        def ft_vjp():
            _, pull = functorch.vjp(f, x)
            return pull(v)[0]
        bench(name, "VJP functorch.vjp", "vjp", B, ft_vjp, B * N * 8, cv)


def hessian_methods(name, f, x):
    B, N = x.shape
    hbytes = B * N * N * 8
    k = min(CHECK_K, B)
    _, gref, Href, _ = C.np_softplus_net(C.make_weights(name), x[:k].numpy())
    ch = lambda H: rel_err(H[:k], Href[:min(k, H.shape[0])])  # noqa: E731
    cg = lambda g: rel_err(g[:k], gref)  # noqa: E731

    def fwd():
        with torch.no_grad():
            return f(x)

    bench(name, "forward pass (torch.no_grad)", "forward", B, fwd, B * 8)

    def grad():
        z = x.detach().requires_grad_(True)
        return torch.autograd.grad(f(z).sum(), z)[0]

    bench(name, "per-sample gradient autograd.grad(f(x).sum(), x)", "gradient", B, grad, B * N * 8, cg)

    def grad_graph(z):
        return torch.autograd.grad(f(z).sum(), z, create_graph=True)[0]

    def h_rr():
        H = torch.autograd.functional.jacobian(lambda z: grad_graph(z).sum(0), x, vectorize=True)
        return H.permute(1, 0, 2).contiguous()

    bench(name, "Hessian rev-over-rev: jacobian(grad create_graph), vectorize", "hessian", B, h_rr, hbytes, ch)

    def h_fwad_loop():
        cols = []
        with torch.autograd.forward_ad.dual_level():
            for n in range(N):
                t = torch.zeros(B, N, dtype=x.dtype)
                t[:, n] = 1.0
                d = torch.autograd.forward_ad.make_dual(x.detach().clone().requires_grad_(True), t)
                g = torch.autograd.grad(f(d).sum(), d, create_graph=True)[0]
                cols.append(torch.autograd.forward_ad.unpack_dual(g).tangent.detach())
        return torch.stack(cols, dim=2)

    bench(name, "Hessian fwd-over-rev, loop over N (forward_ad duals through autograd.grad)", "hessian", B,
          h_fwad_loop, hbytes, ch)
    if functorch is not None:
        E = torch.eye(N, dtype=x.dtype)
        gb = functorch.grad(lambda z: f(z).sum())
        bench(name, "Hessian fwd-over-rev, functorch vmap(jvp(grad)) over N basis tangents", "hessian", B,
              lambda: vmap(lambda e: functorch.jvp(gb, (x,), (e.unsqueeze(0).expand(B, N),))[1],
                           out_dims=2)(E).contiguous(), hbytes, ch)

    def grad_graph_leaf(z):
        if not z.requires_grad:   # forward-mode jacobian hands in a dual tensor without grad
            z.requires_grad_(True)
        return torch.autograd.grad(f(z).sum(), z, create_graph=True)[0]

    # O(B^2) routes, timed at small B only (see jac_methods)
    for Bs in (SMALL_B[name] if not FAST else []):
        xs = x[:Bs].clone()

        def h_fr(xs=xs):
            H = torch.autograd.functional.jacobian(lambda z: grad_graph_leaf(z).sum(0), xs, vectorize=True,
                                                   strategy="forward-mode")
            return H.permute(1, 0, 2).detach().contiguous()

        r = bench(name, "Hessian fwd-over-rev: jacobian(grad, strategy='forward-mode') [O(B^2)]",
                  "hessian-smallB", Bs, h_fr, Bs * N * N * 8, ch)
        if r.get("ok"):
            r["extrapolated_full_B"] = B
            r["extrapolated_full_B_s"] = r["best_s"] * (B / Bs) ** 2
        for strat in ["reverse-mode", "forward-mode"]:
            def h_full(xs=xs, strat=strat):
                H = torch.autograd.functional.hessian(lambda z: f(z).sum(), xs, vectorize=True,
                                                      outer_jacobian_strategy=strat)   # (Bs,N,Bs,N)
                idx = torch.arange(xs.shape[0])
                return H[idx, :, idx, :].detach().contiguous()                         # block diagonal
            r = bench(name, "autograd.functional.hessian(sum f), outer=%s, diag blocks [O(B^2)]" % strat,
                      "hessian-smallB", Bs, h_full, Bs * N * N * 8, ch)
            if r.get("ok"):
                r["extrapolated_full_B"] = B
                r["extrapolated_full_B_s"] = r["best_s"] * (B / Bs) ** 2

    def h_loop():
        z = x.detach().requires_grad_(True)
        g = grad_graph(z)
        rows = [torch.autograd.grad(g[:, i].sum(), z, retain_graph=(i < N - 1))[0] for i in range(N)]
        return torch.stack(rows, dim=1)

    bench(name, "Hessian rev-over-rev, loop over N (autograd.grad, no vmap)", "hessian", B, h_loop, hbytes, ch)

    if functorch is not None:
        fs = lambda z: f(z)[0]  # noqa: E731  scalar per-sample function
        bench(name, "functorch vmap(hessian(f)) (= jacfwd(jacrev))", "hessian", B,
              lambda: vmap(hessian(fs))(x).contiguous(), hbytes, ch)
        bench(name, "functorch vmap(jacrev(jacrev(f)))", "hessian", B,
              lambda: vmap(jacrev(jacrev(fs)))(x).contiguous(), hbytes, ch)


# ---------------------------------------------------------------- main
def main():
    global FAST, QUIET_WAIT_S, WORKLOAD_QUIET_WAIT_S
    ap = argparse.ArgumentParser()
    ap.add_argument("--tag", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="mlp,wide,borehole,ishigami,scalar_mlp")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every B (smoke tests only)")
    ap.add_argument("--fast", action="store_true", help="skip the O(B^2) routes (timed at small B only)")
    ap.add_argument("--quiet-wait", type=float, default=QUIET_WAIT_S,
                    help="longest wait for a quiet moment before each timing (s)")
    ap.add_argument("--workload-quiet-wait", type=float, default=WORKLOAD_QUIET_WAIT_S,
                    help="longest wait for a quiet moment before each workload (s)")
    args = ap.parse_args()
    FAST, QUIET_WAIT_S, WORKLOAD_QUIET_WAIT_S = args.fast, args.quiet_wait, args.workload_quiet_wait

    blas_kind, libs = C.blas_in_use()
    meta = {
        "tag": args.tag, "scale": args.scale, "fast": FAST, "torch": torch.__version__, "numpy": np.__version__,
        "python": sys.executable + " " + platform.python_version(),
        "functorch": FUNCTORCH, "torch_func": TORCH_FUNC,
        "torch_num_threads": torch.get_num_threads(), "blas": blas_kind, "blas_libs": libs,
        "env": {k: os.environ.get(k) for k in ["LD_LIBRARY_PATH", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                               "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"]},
        "cpu": C.cpu_model(), "nproc": os.cpu_count(), "loadavg_start": os.getloadavg(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "policy": {"reps": args.reps, "quiet_cores": QUIET_CORES, "dirty_cores": DIRTY_CORES,
                   "quiet_wait_s": QUIET_WAIT_S, "max_extra_attempts": MAX_EXTRA,
                   "warmup_counts_if_longer_than_s": WARMUP_COUNTS_S},
        "torch_config": torch.__config__.show(),
    }
    print(json.dumps({k: meta[k] for k in ["tag", "torch", "numpy", "functorch", "torch_func", "blas",
                                           "torch_num_threads", "cpu", "loadavg_start"]}), flush=True)

    def dump():
        meta["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        with open(args.out, "w") as fh:
            json.dump({"meta": meta, "records": RECORDS}, fh, indent=1)

    for name in args.only.split(","):
        B = max(CHECK_K, int(SIZES[name] * args.scale))
        t_w = time.perf_counter()
        while True:   # prefer a quiet moment before each workload
            a = snapshot(); time.sleep(2.0); b = snapshot()
            fr = foreign_between(a, b)[0]
            if fr < QUIET_CORES or time.perf_counter() - t_w > WORKLOAD_QUIET_WAIT_S:
                break
        meta.setdefault("workload_start", {})[name] = {
            "loadavg": os.getloadavg(), "foreign_cores_2s": fr, "waited_s": time.perf_counter() - t_w}
        print("== %s B=%d loadavg=%s foreign=%.2f waited=%.0fs" % (
            name, B, os.getloadavg(), fr, time.perf_counter() - t_w), flush=True)
        f = C.make_fn(name)
        x = torch.from_numpy(C.make_x(name, B, C.SEEDS["bench_x"][name]))
        if name == "scalar_mlp":
            hessian_methods(name, f, x)
        else:
            Jref = jac_methods(name, f, x)
            if name == "mlp":
                jvp_vjp_methods(name, f, x, Jref)
        del x
        gc.collect()
        dump()
    dump()


if __name__ == "__main__":
    main()
