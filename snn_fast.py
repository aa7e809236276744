"""snn_fast: the fast path of snn_core.lif, the LIF recurrence over all T steps as Numba kernels
inside one autograd Function, with its backward pass (BPTT) written out by hand.

snn_core's docstring gives the equations and lif_reference the readable loop; the tests hold this
module equal to it. Functions here take CPU float32/64 tensors and trust their arguments (snn_core
checks them). Importing this module asks glibc to keep freed memory for reuse (_keep_freed_memory).
"""
import ctypes
import math
import os

import numba
import numpy as np
import torch

SURROGATE_CODES = {"fast_sigmoid": 0, "atan": 1, None: -1}  # -1: no gradient through the spikes


def _keep_freed_memory():
    """Let glibc keep freed blocks for reuse rather than hand them back to the OS; True if it did.

    By default it hands back some freed multi-MB blocks, and training page-faults them in again:
    an epoch of the moons network took 1.2-1.4x as long here, one of width 128 2.6x
    (benchmarks/README.md). The setting holds for the whole process; SNN_CORE_KEEP_FREED_MEMORY=0
    in the environment skips it.
    """
    if os.environ.get("SNN_CORE_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False  # not glibc (macOS, Windows, musl): nothing to tune
    libc.mallopt(-3, 32 << 20)   # M_MMAP_THRESHOLD: serve blocks under 32 MiB from the heap
    libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD: keep up to 256 MiB of freed heap
    return True


KEEPS_FREED_MEMORY = _keep_freed_memory()


# The fast path: the recurrence compiled by Numba. Scalars come in the arrays' dtype and every step
# keeps the reference's operation order, so spikes and membranes match lif_reference bit for bit.
# Each inner loop runs over one row (one time step) and touches few arrays, so LLVM vectorizes it.
# Memory traffic costs more than the arithmetic here, so the network's training path writes only
# what it reads again: the spikes the next layer needs (the last layer's spike count alone), the
# membranes for backward, and, for a current constant in time, its gradient already summed over T.

@numba.njit(cache=True, error_model="numpy")
def _lif_forward_kernel(cur, num_steps, threshold, beta, subtract, mem, spk, count):
    # cur [T, M], or [1, M] for a current constant in time. mem and spk are [T, M] to keep every
    # step, or [2, M] to keep only the last two (rows alternate). count is [M] zeros, or None.
    one, zero = mem.dtype.type(1), mem.dtype.type(0)
    for t in range(num_steps):
        c, m, s = cur[min(t, cur.shape[0] - 1)], mem[t % mem.shape[0]], spk[t % spk.shape[0]]
        if t == 0:
            for i in range(m.shape[0]):
                m[i] = c[i]
        else:
            m_prev, s_prev = mem[(t - 1) % mem.shape[0]], spk[(t - 1) % spk.shape[0]]
            if subtract:
                for i in range(m.shape[0]):
                    m[i] = beta * m_prev[i] + c[i] - threshold * s_prev[i]
            else:  # beta * (1 - rst) == beta - beta * rst, kept in the arrays' dtype
                for i in range(m.shape[0]):
                    m[i] = (beta - beta * s_prev[i]) * m_prev[i] + c[i]
        for i in range(m.shape[0]):
            s[i] = one if m[i] >= threshold else zero
        if count is not None:
            for i in range(m.shape[0]):
                count[i] += s[i]


@numba.njit(cache=True, error_model="numpy")
def _lif_backward_kernel(mem, grad_spk, grad_mem, threshold, beta, subtract, surrogate, scale, grad_cur, work):
    # BPTT: delta[t] = dL/dmem[t] = grad_mem[t] + grad_spk[t] * g(mem[t] - threshold)
    #                              + dmem[t+1]/dmem[t] * delta[t+1],    and dL/dcur[t] = delta[t],
    # with dmem[t+1]/dmem[t] = beta, or beta * (1 - spk[t]) for the reset to zero (spk[t] is
    # mem[t] >= threshold). g is the module docstring's surrogate, scale = slope (fast_sigmoid) or
    # pi / 2 * slope (atan). grad_spk and grad_mem are [T, M], [1, M] when constant in time, or None
    # for an unused output (Numba compiles its term away). grad_cur is [T, M], or [1, M] for the
    # sum over time (the gradient of a constant current). work is [3, M] scratch.
    one, zero = mem.dtype.type(1), mem.dtype.type(0)
    T, M = mem.shape
    tmp, factor, d = work[0], work[1], work[2]  # d: delta[t + 1], then delta[t], when summing
    summed = grad_cur.shape[0] == 1
    for i in range(M):
        d[i] = 0
        if summed:
            grad_cur[0, i] = 0
    for t in range(T - 1, -1, -1):
        m = mem[t]
        if grad_spk is None:
            for i in range(M):
                tmp[i] = 0
        else:
            gs = grad_spk[min(t, grad_spk.shape[0] - 1)]
            if surrogate == 0:
                for i in range(M):
                    a = scale * abs(m[i] - threshold) + one
                    tmp[i] = gs[i] / (a * a)
            else:
                for i in range(M):
                    a = scale * (m[i] - threshold)
                    tmp[i] = gs[i] / (one + a * a)
        if grad_mem is not None:
            gm = grad_mem[min(t, grad_mem.shape[0] - 1)]
            for i in range(M):
                tmp[i] += gm[i]
        if not subtract:
            for i in range(M):
                factor[i] = beta - beta * (one if m[i] >= threshold else zero)
        if summed:  # d <- delta[t]; grad_cur[0] += delta[t]
            g = grad_cur[0]
            for i in range(M):
                v = tmp[i] + (beta if subtract else factor[i]) * d[i]
                d[i] = v
                g[i] += v
        else:  # grad_cur[t] <- delta[t], from grad_cur[t + 1] (zero at t = T - 1)
            out, after = grad_cur[t], (d if t == T - 1 else grad_cur[t + 1])
            for i in range(M):
                out[i] = tmp[i] + (beta if subtract else factor[i]) * after[i]


def _rows(x):
    """A [T, M] tensor as a C-contiguous array Numba vectorizes: its first row alone if x is constant in T."""
    return np.ascontiguousarray((x[:1] if x.stride(0) == 0 else x).detach().numpy())


class _LIF(torch.autograd.Function):
    """The whole T-step recurrence as one graph node: no per-step graph, BPTT written out by hand.

    cur is [T, ...] (a stride-0 expand of one step counts as constant in time), or, if constant,
    one step's current [...] held for num_steps steps. output: "spk_mem" -> (spk, mem), both
    [T, ...]; "spk" -> spk alone; "rate" -> the mean spike rate over the steps, [...].
    """

    @staticmethod
    def forward(ctx, cur, num_steps, constant, threshold, beta, reset, surrogate, slope, output):
        c = _rows(cur.reshape(1 if constant else num_steps, -1))  # [T, M], or [1, M]
        M = c.shape[1]
        real = c.dtype.type  # np.float32 or np.float64
        kernel_surrogate = SURROGATE_CODES[surrogate]
        scale = math.pi / 2 * slope if surrogate == "atan" else slope  # the backward kernel's g(x) scale
        ctx.params = real(threshold), real(beta), reset == "subtract", kernel_surrogate, real(scale)
        # NumPy buffers: its allocator reuses freed pages, where torch.empty of this size page-faults afresh
        keep_mem = output == "spk_mem" or ctx.needs_input_grad[0]  # without backward, only for the output
        mem = np.empty((num_steps if keep_mem else 2, M), c.dtype)
        spk = np.empty((2 if output == "rate" else num_steps, M), c.dtype)
        count = np.zeros(M, c.dtype) if output == "rate" else None
        _lif_forward_kernel(c, num_steps, *ctx.params[:3], mem, spk, count)
        mem = torch.from_numpy(mem)
        ctx.save_for_backward(mem)
        ctx.shape, ctx.constant, ctx.output = cur.shape, constant, output
        ctx.set_materialize_grads(False)  # an unused output's gradient comes as None, not a tensor of zeros
        step = cur.shape if constant else cur.shape[1:]  # one step's shape
        shape = (num_steps, *step)
        if output == "rate":
            outputs = (torch.from_numpy(count / real(num_steps)).view(step),)
        else:
            outputs = (torch.from_numpy(spk).view(shape),)
        if surrogate is None:
            ctx.mark_non_differentiable(*outputs)
        if output == "spk_mem":
            outputs += (mem.view(shape),)
        return outputs if len(outputs) > 1 else outputs[0]

    @staticmethod
    def backward(ctx, *grads):
        (mem,) = ctx.saved_tensors  # [T, M]
        threshold, beta, subtract, surrogate, scale = ctx.params
        grad_spk, grad_mem = grads if ctx.output == "spk_mem" else (grads[0], None)
        if ctx.output == "rate" and grad_spk is not None:
            grad_spk = (grad_spk / mem.shape[0]).unsqueeze(0)  # rate = spk.sum(0) / T: each step gets grad / T
        if surrogate < 0:  # the spikes pass no gradient
            grad_spk = None
        gs, gm = (None if g is None else _rows(g.reshape(g.shape[0], -1)) for g in (grad_spk, grad_mem))
        m = mem.numpy()
        grad_cur = np.empty((1 if ctx.constant else m.shape[0], m.shape[1]), m.dtype)
        _lif_backward_kernel(m, gs, gm, threshold, beta, subtract, surrogate, scale, grad_cur,
                             np.empty((3, m.shape[1]), m.dtype))
        return torch.from_numpy(grad_cur).view(ctx.shape), *[None] * 9


def lif(cur, threshold, beta, reset, surrogate, slope):
    """cur [T, ...] -> (spk, mem), both [T, ...]: snn_core.lif_reference's result."""
    return _LIF.apply(cur, cur.shape[0], False, threshold, beta, reset, surrogate, slope, "spk_mem")


def lif_spikes(cur, num_steps, threshold, beta, reset, surrogate, slope):
    """cur [B, N] (held for num_steps steps) or [T, B, N] (T steps) -> spk [T, B, N]; the membranes
    are kept for backward only."""
    steps = num_steps if cur.dim() == 2 else cur.shape[0]
    return _LIF.apply(cur, steps, cur.dim() == 2, threshold, beta, reset, surrogate, slope, "spk")


def lif_rate(cur, num_steps, threshold, beta, reset, surrogate, slope):
    """cur [B, N] (held for num_steps steps) or [T, B, N] (T steps) -> the mean spike rate
    spk.sum(0) / T, [B, N], from a running count: no [T, B, N] spike tensor is written."""
    steps = num_steps if cur.dim() == 2 else cur.shape[0]
    return _LIF.apply(cur, steps, cur.dim() == 2, threshold, beta, reset, surrogate, slope, "rate")
