#!/usr/bin/env bash
# Regenerates the PyTorch float64 fixtures of NestedExamplesTest: for each nested-AD example of
# conf/examples (pinn_heat.fn, jacobian_penalty.fn, hvp.fn), 8 inputs and PyTorch's result
# (torch.autograd.grad with create_graph=True, per-sample weight gradients through expanded
# weights; see benchmarks/peers/torch_nested.py). Needs python3-torch (PyTorch 1.13) and numpy.
#   bash engine/src/test/resources/nested/make_fixtures.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../../../../.."
for w in pinn penalty hvp; do
  /usr/bin/python3 "$root/benchmarks/peers/torch_nested.py" --workload "$w" --batch 8 --reps 1 --routes autograd \
    --save "$here/${w}_expected.npy" --save-inputs "$here/${w}_inputs.npy" > /dev/null
done
echo "fixtures written to $here"
