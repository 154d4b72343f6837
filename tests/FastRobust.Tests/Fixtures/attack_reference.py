#!/usr/bin/env python3
"""PyTorch reference implementations of FastRobust's attacks, written from the papers (and, for APGD-CE and
Square, from the auto-attack repository's autopgd_base.py and square.py), for the fixtures and the robust-accuracy
comparison. Plain PyTorch on whole batches: no early-exit bookkeeping beyond what each algorithm defines.

The random numbers are FastRobust's own (Philox-4x32-10 keyed by seed, a per-purpose stream and the sample's
index; see src/FastRobust/Attacks/AttackRandom.cs), re-implemented here in NumPy, so that random starts, windows and
noises are the same numbers in both engines and per-sample outcomes can be compared, not only averages.
Used by attack_make_fixtures.py (tests) and attack_compare.py (bench)."""
import gzip, json, math, os
import numpy as np
import torch, torch.nn.functional as F

from fixture_common import build, read_safetensors, write_safetensors  # noqa: F401 (attack_make_fixtures.py calls R.write_safetensors)

HERE = os.path.dirname(os.path.abspath(__file__))
CLI_STREAM = 0x4154544B  # AttackCommand.Stream
U64 = (1 << 64) - 1

# ---------------------------------------------------------------- Philox and the per-sample streams

def philox(seed, stream, counters):
    """Philox-4x32-10 blocks (src/FastRobust/Random/Philox.cs) for an array of 64-bit counters: four uint64 arrays."""
    c0 = np.asarray(counters, dtype=np.uint64)
    m32 = np.uint64(0xFFFFFFFF)
    c1 = c0 >> np.uint64(32)
    c0 = c0 & m32
    c2 = np.full_like(c0, stream & 0xFFFFFFFF)
    c3 = np.full_like(c0, (stream >> 32) & 0xFFFFFFFF)
    k0, k1 = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
    for _ in range(10):
        p0 = np.uint64(0xD2511F53) * c0
        p1 = np.uint64(0xCD9E8D57) * c2
        n0 = (p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0)
        n2 = (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1)
        c0, c1, c2, c3 = n0, p1 & m32, n2, p0 & m32
        k0 = (k0 + 0x9E3779B9) & 0xFFFFFFFF
        k1 = (k1 + 0xBB67AE85) & 0xFFFFFFFF
    return c0, c1, c2, c3


def raw(seed, stream, first, n):
    """uint32 values 0..n-1 of a fill starting at counter `first` (value i: lane i % 4 of counter first + i // 4)."""
    blocks = (n + 3) // 4
    r = philox(seed, stream, np.arange(blocks, dtype=np.uint64) + np.uint64(first))
    return np.stack(r, axis=1).reshape(-1)[:n].astype(np.uint32)


def to_unit(u):
    return (np.asarray(u, dtype=np.uint32) >> np.uint32(8)).astype(np.float32) * np.float32(1.0 / 16777216.0)


def below(u, n):
    return int((int(u) >> 8) * n >> 24)


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & U64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & U64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & U64
    return z ^ (z >> 31)


PURPOSE = dict(target=1, pgd_start=2, pgd_start_radius=3, apgd_start=4, square_init=5, square_step=6, random_pixels=7, gaussian=8)


def stream_of(base, purpose, index=0):
    return splitmix64(base ^ (PURPOSE[purpose] << 48) ^ index)


def offset(g, n):
    return g * ((n + 3) // 4)


def uniform_rows(seed, stream, gidx, n, lo, hi):
    """One row of n uniforms in [lo, hi) per sample index, as Backend.FillUniform writes them: lo + (hi - lo)·u."""
    lo32, span = np.float32(lo), np.float32(np.float32(hi) - np.float32(lo))
    rows = [lo32 + span * to_unit(raw(seed, stream, offset(int(g), n), n)) for g in gidx]
    return torch.from_numpy(np.stack(rows).astype(np.float32))


def box_muller(ua, ub, sine):
    u = ((ua >> np.uint32(8)).astype(np.float32) + np.float32(1)) * np.float32(1.0 / 16777216.0)
    radius = np.sqrt(-2.0 * np.log(u.astype(np.float64)))
    angle = 2.0 * np.pi * to_unit(ub).astype(np.float64)
    return (radius * (np.sin(angle) if sine else np.cos(angle))).astype(np.float32)


def normal_rows(seed, stream, gidx, n, mean, std):
    """One row of n normals per sample, as Backend.FillNormal writes them (Box-Muller on lane pairs)."""
    out = []
    for g in gidx:
        blocks = (n + 3) // 4
        r0, r1, r2, r3 = (a.astype(np.uint32) for a in philox(seed, stream, np.arange(blocks, dtype=np.uint64) + np.uint64(offset(int(g), n))))
        z = np.stack([box_muller(r0, r1, False), box_muller(r0, r1, True), box_muller(r2, r3, False), box_muller(r2, r3, True)], axis=1).reshape(-1)[:n]
        out.append(np.float32(mean) + np.float32(std) * z)
    return torch.from_numpy(np.stack(out).astype(np.float32))


def element_uniform(seed, stream, i):
    """Philox.Uniform(seed, stream, 0, i): element i of a fill."""
    return to_unit(raw(seed, stream, 0, i + 1)[i])

# ---------------------------------------------------------------- models, weights and MNIST (the spec's network and the
# safetensors files: fixture_common.py)

def load_model(spec_path, weights_path):
    spec = json.load(open(spec_path))
    model = build(spec)
    state = {k: v for k, v in read_safetensors(weights_path).items() if not k.endswith("num_batches_tracked")}
    model.load_state_dict(state, strict=False)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, spec


def mnist_test(limit, root=None):
    root = root or os.path.join(HERE, "..", "..", "..", "data", "mnist")
    with gzip.open(os.path.join(root, "t10k-images-idx3-ubyte.gz")) as f:
        f.read(16)
        x = np.frombuffer(f.read(limit * 784), dtype=np.uint8).reshape(limit, 1, 28, 28)
    with gzip.open(os.path.join(root, "t10k-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        y = np.frombuffer(f.read(limit), dtype=np.uint8)
    return torch.from_numpy(x.astype(np.float32) / np.float32(255)), torch.from_numpy(y.astype(np.int64))

# ---------------------------------------------------------------- the attacks

class Ctx:
    """What an attack sees: the model, the goal class per sample (target, or label), the sample indices, the RNG."""
    def __init__(self, model, goal, gidx, targeted, seed, base):
        self.model, self.goal, self.gidx, self.targeted, self.seed, self.base = model, goal, gidx, targeted, seed, base

    def adversarial(self, pred, goal=None):
        goal = self.goal if goal is None else goal
        return pred == goal if self.targeted else pred != goal


def ce_grad(model, x, goal):
    x = x.clone().requires_grad_(True)
    logits = model(x)
    losses = F.cross_entropy(logits, goal, reduction="none")
    (g,) = torch.autograd.grad(losses.sum(), x)
    return logits.detach(), losses.detach(), g


def pgd(ctx, x, eps, alpha, steps, random_start=True, restarts=1, early_stop=True, l2=False):
    """Madry et al.'s PGD with torchattacks' update and projection (L∞ and L2); BIM and FGSM are its special cases."""
    n, d = len(x), x[0].numel()
    sign = -1.0 if ctx.targeted else 1.0
    out, done, nsteps = x.clone(), torch.zeros(n, dtype=torch.bool), torch.zeros(n, dtype=torch.long)
    for r in range(restarts):
        rows = (~done).nonzero().flatten()
        if len(rows) == 0:
            break
        x0, goal, gidx = x[rows], ctx.goal[rows], ctx.gidx[rows]
        if random_start and not l2:
            a = (x0 + uniform_rows(ctx.seed, stream_of(ctx.base, "pgd_start", r), gidx, d, -eps, eps).view_as(x0)).clamp(0, 1)
        elif random_start:
            z = normal_rows(ctx.seed, stream_of(ctx.base, "pgd_start", r), gidx, d, 0, 1).view_as(x0)
            radius = torch.tensor([element_uniform(ctx.seed, stream_of(ctx.base, "pgd_start_radius", r), int(g)) for g in gidx]) * np.float32(eps)
            scale = radius / z.flatten(1).norm(dim=1)
            a = (x0 + z * scale.view(-1, 1, 1, 1)).clamp(0, 1)
        else:
            a = x0.clone()
        active = torch.ones(len(rows), dtype=torch.bool)
        for t in range(steps + 1):
            logits, _, g = ce_grad(ctx.model, a, goal)
            adv_now = ctx.adversarial(logits.argmax(1), goal)
            if early_stop:
                hit = active & adv_now
                out[rows[hit]] = a[hit]
                done[rows[hit]] = True
                active &= ~adv_now
            if t == steps:
                out[rows[active]] = a[active]
                done[rows[active & adv_now]] = True
                break
            nsteps[rows[active]] += 1
            if not l2:
                step = a + sign * alpha * g.sign()
                delta = torch.clamp(step - x0, min=-eps, max=eps)
                new = torch.clamp(x0 + delta, 0, 1)
            else:
                gn = g.flatten(1).norm(dim=1) + 1e-10
                step = a + sign * alpha * g / gn.view(-1, 1, 1, 1)
                delta = step - x0
                factor = torch.clamp(eps / delta.flatten(1).norm(dim=1), max=1.0)
                new = torch.clamp(x0 + delta * factor.view(-1, 1, 1, 1), 0, 1)
            a = torch.where(active.view(-1, 1, 1, 1), new, a)
    return out, nsteps


def deepfool(ctx, x, steps=50, overshoot=0.02, candidates=10):
    """DeepFool L2 (Moosavi-Dezfooli et al. 2016) as Foolbox runs it: the most likely `candidates` classes."""
    model = ctx.model
    with torch.no_grad():
        classes = model(x).argsort(dim=1, descending=True)[:, :candidates]
    m = classes.shape[1] - 1
    x0, xc, total = x.clone(), x.clone(), torch.zeros_like(x)
    out, active, nsteps = x.clone(), torch.ones(len(x), dtype=torch.bool), torch.zeros(len(x), dtype=torch.long)
    for it in range(steps + 1):
        xr = xc.clone().requires_grad_(True)
        logits = model(xr)
        fin = active & (ctx.adversarial(logits.argmax(1).detach()) | (it == steps))
        out[fin] = xc[fin]
        active &= ~fin
        if it == steps or not active.any():
            break
        losses, grads = [], []
        for k in range(1, m + 1):
            l = logits.gather(1, classes[:, k:k + 1]).squeeze(1) - logits.gather(1, classes[:, :1]).squeeze(1)
            (g,) = torch.autograd.grad(l.sum(), xr, retain_graph=k < m)
            losses.append(l.detach())
            grads.append(g.flatten(1))
        L, G = torch.stack(losses, 1), torch.stack(grads, 1)
        gnorm = G.norm(dim=2)
        dist = L.abs() / (gnorm + 1e-8)
        best = dist.argmin(dim=1)
        rows = torch.arange(len(x))
        coef = (dist[rows, best] + 1e-4) / (gnorm[rows, best] + 1e-8)
        step = (coef.view(-1, 1) * G[rows, best]).view_as(x)
        total = torch.where(active.view(-1, 1, 1, 1), total + step, total)
        xc = torch.where(active.view(-1, 1, 1, 1), (x0 + (1 + overshoot) * total).clamp(0, 1), xc)
        nsteps[active] += 1
    return out, nsteps


def cw(ctx, x, steps=1000, binary_steps=9, initial_const=1e-3, lr=0.01, kappa=0.0, abort_early=True):
    """Carlini-Wagner L2 as Carlini's code and Foolbox run it, with the early abort judged per sample."""
    model, goal, n = ctx.model, ctx.goal, len(x)
    w0 = torch.atanh((x - 0.5) / 0.5 * 0.999999)
    xrec = torch.tanh(w0) * 0.5 + 0.5
    consts = np.full(n, initial_const, dtype=np.float64)
    lower, upper = np.zeros(n), np.full(n, np.inf)
    best, best_norm = x.clone(), np.full(n, np.inf)
    nsteps = torch.zeros(n, dtype=torch.long)
    onehot = F.one_hot(goal, num_classes=model(x[:1]).shape[1]).bool()
    for bs in range(binary_steps):
        if bs == binary_steps - 1 and binary_steps >= 10:
            consts = np.minimum(upper, 1e10)
        w, m1, m2 = w0.clone(), torch.zeros_like(x), torch.zeros_like(x)
        found, prev = np.zeros(n, dtype=bool), np.full(n, np.inf)
        active = np.ones(n, dtype=bool)
        c = torch.tensor(consts.astype(np.float32))
        for step in range(steps):
            if not active.any():
                break
            wr = w.clone().requires_grad_(True)
            xk = torch.tanh(wr) * 0.5 + 0.5
            dist = ((xk - xrec) ** 2).flatten(1).sum(1)
            logits = model(xk)
            z_goal = logits[onehot]
            z_other = logits.masked_fill(onehot, -float("inf")).max(1)[0]
            margin = z_other - z_goal if ctx.targeted else z_goal - z_other
            hinge = F.relu(margin + kappa)
            loss_i = (c * hinge + dist).detach().double().numpy()
            (g,) = torch.autograd.grad((c * hinge).sum() + dist.sum(), wr)
            # PyTorch's Adam, only for the samples still running
            a = torch.from_numpy(active).view(-1, 1, 1, 1)
            t = step + 1
            m1 = torch.where(a, 0.9 * m1 + (1 - 0.9) * g, m1)
            m2 = torch.where(a, 0.999 * m2 + (1 - 0.999) * g * g, m2)
            bc1, bc2 = 1 - 0.9 ** t, 1 - 0.999 ** t
            w = torch.where(a, w - (lr / bc1) * m1 / (m2.sqrt() / math.sqrt(bc2) + 1e-8), w)
            nsteps[torch.from_numpy(active)] += 1
            keep = active.copy()
            if abort_early and step % math.ceil(steps / 10) == 0:
                ok = loss_i <= 0.9999 * prev
                keep &= ok
                prev = np.where(active & ok, loss_i, prev)
            zc = logits.detach().clone()
            zc[onehot] += -kappa if ctx.targeted else kappa
            adv = ctx.adversarial(zc.argmax(1)).numpy() & keep
            norms = (xk.detach() - x).flatten(1).norm(dim=1).double().numpy()
            found |= adv
            better = adv & (norms < best_norm)
            best[torch.from_numpy(better)] = xk.detach()[torch.from_numpy(better)]
            best_norm = np.where(better, norms, best_norm)
            active = keep
        upper = np.where(found, np.minimum(upper, consts), upper)
        lower = np.where(found, lower, np.maximum(lower, consts))
        consts = np.where(np.isinf(upper), consts * 10, (lower + upper) / 2)
    return best, nsteps


def apgd_ce(ctx, x, eps, n_iter=100, rho=0.75, restarts=1):
    """APGD-CE, L∞: attack_single_run and perturb of auto-attack's autopgd_base.py (loss 'ce'; targeted 'ce-targeted'),
    with the random start t drawn from FastRobust's Philox stream instead of torch.rand."""
    model, n = ctx.model, len(x)
    n_iter_2, n_iter_min, size_decr = max(int(0.22 * n_iter), 1), max(int(0.06 * n_iter), 1), max(int(0.03 * n_iter), 1)
    sgn = -1.0 if ctx.targeted else 1.0
    out, acc_all = x.clone(), torch.ones(n, dtype=torch.bool)
    for r in range(restarts):
        rows = acc_all.nonzero().flatten()
        if len(rows) == 0:
            break
        xs, y, gidx = x[rows], ctx.goal[rows], ctx.gidx[rows]
        d = xs[0].numel()
        t = uniform_rows(ctx.seed, stream_of(ctx.base, "apgd_start", r), gidx, d, -1, 1).view_as(xs)
        x_adv = (xs + eps * (t / (t.abs().flatten(1).max(1)[0].view(-1, 1, 1, 1) + 1e-12))).clamp(0, 1)
        x_best, x_best_adv = x_adv.clone(), x_adv.clone()
        loss_steps = torch.zeros(n_iter, len(rows))
        logits, loss_indiv, grad = ce_grad(model, x_adv, y)
        loss_indiv, grad = sgn * loss_indiv, grad
        grad_best = grad.clone()
        acc = ctx.adversarial(logits.argmax(1), y) == 0
        loss_best = loss_indiv.clone()
        step_size = 2 * eps * torch.ones(len(rows), 1, 1, 1)
        x_adv_old = x_adv.clone()
        counter3, k = 0, n_iter_2
        loss_best_last_check, reduced_last_check = loss_best.clone(), torch.ones_like(loss_best)
        for i in range(n_iter):
            grad2 = x_adv - x_adv_old
            x_adv_old = x_adv.clone()
            a = 0.75 if i > 0 else 1.0
            x_adv_1 = x_adv + step_size * torch.sign(sgn * grad)
            x_adv_1 = torch.clamp(torch.min(torch.max(x_adv_1, xs - eps), xs + eps), 0.0, 1.0)
            x_adv_1 = torch.clamp(torch.min(torch.max(x_adv + (x_adv_1 - x_adv) * a + grad2 * (1 - a), xs - eps), xs + eps), 0.0, 1.0)
            x_adv = x_adv_1
            logits, loss_indiv, grad = ce_grad(model, x_adv, y)
            loss_indiv = sgn * loss_indiv
            pred_ok = ctx.adversarial(logits.argmax(1), y) == 0
            acc = torch.min(acc, pred_ok)
            x_best_adv[~pred_ok] = x_adv[~pred_ok]
            y1 = loss_indiv
            loss_steps[i] = y1
            ind = y1 > loss_best
            x_best[ind], grad_best[ind], loss_best[ind] = x_adv[ind], grad[ind], y1[ind]
            counter3 += 1
            if counter3 == k:
                tcount = torch.zeros(len(rows))
                for c5 in range(k):
                    tcount += (loss_steps[i - c5] > loss_steps[i - c5 - 1]).float()
                fl_osc = (tcount <= k * rho).float()
                fl_reduce_no_impr = (1.0 - reduced_last_check) * (loss_best_last_check >= loss_best).float()
                fl_osc = torch.max(fl_osc, fl_reduce_no_impr)
                reduced_last_check = fl_osc.clone()
                loss_best_last_check = loss_best.clone()
                ind = fl_osc > 0
                step_size[ind] /= 2.0
                x_adv[ind], grad[ind] = x_best[ind].clone(), grad_best[ind].clone()
                k = max(k - size_decr, n_iter_min)
                counter3 = 0
        fooled = ~acc
        acc_all[rows[fooled]] = False
        out[rows[fooled]] = x_best_adv[fooled]
        out[rows[~fooled]] = x_best[~fooled]
    return out, None


def p_selection(p_init, it, n_queries):
    it = int(it / n_queries * 10000)
    for bound, halvings in ((10, 0), (50, 1), (200, 2), (500, 3), (1000, 4), (2000, 5), (4000, 6), (6000, 7), (8000, 8)):
        if it <= bound:
            return p_init / 2 ** halvings
    return p_init / 512


def square(ctx, x, eps, n_queries=5000, p_init=0.8, restarts=1):
    """Square attack, L∞ (square.py's attack_single_run and perturb, loss 'margin' / targeted CE), with one window
    position and sign vector per sample and query (as the paper's own code) drawn from Philox."""
    model = ctx.model
    n, (c, h, w) = len(x), x.shape[1:]
    d = c * h * w
    p_init = float(np.float32(p_init))
    out, robust = x.clone(), torch.ones(n, dtype=torch.bool)

    def margin_and_loss(xx, y):
        with torch.no_grad():
            logits = model(xx)
        u = torch.arange(len(xx))
        z_goal = logits[u, y].clone()
        xent = F.cross_entropy(logits, y, reduction="none")
        logits[u, y] = -float("inf")
        other = logits.max(1)[0]
        return (other - z_goal, xent) if ctx.targeted else (z_goal - other, z_goal - other)

    for r in range(restarts):
        rows = robust.nonzero().flatten()
        if len(rows) == 0:
            break
        xs, y, gidx = x[rows], ctx.goal[rows], ctx.gidx[rows]
        bits = np.stack([raw(ctx.seed, stream_of(ctx.base, "square_init", r), offset(int(g), c * w), c * w) for g in gidx])
        signs = torch.from_numpy(np.where((bits >> 31) != 0, 1.0, -1.0).astype(np.float32)).view(len(rows), c, 1, w)
        x_best = torch.clamp(xs + eps * signs, 0.0, 1.0)
        margin_min, loss_min = margin_and_loss(x_best, y)
        step_stream = stream_of(ctx.base, "square_step", r)
        for i_iter in range(n_queries):
            idx = (margin_min > 0.0).nonzero().flatten()
            if len(idx) == 0:
                break
            p = p_selection(p_init, i_iter, n_queries)
            s = max(int(round(math.sqrt(p * d / c))), 1)
            s = min(s, min(h, w))
            x_curr, x_best_curr = xs[idx], x_best[idx]
            blocks = philox(ctx.seed, step_stream, np.array([int(gidx[j]) * n_queries + i_iter for j in idx], dtype=np.uint64))
            u0, u1, u2 = (b.astype(np.uint64) for b in blocks[:3])
            vh = torch.from_numpy(((u0 >> np.uint64(8)) * np.uint64(h - s) >> np.uint64(24)).astype(np.int64))
            vw = torch.from_numpy(((u1 >> np.uint64(8)) * np.uint64(w - s) >> np.uint64(24)).astype(np.int64))
            ar_h, ar_w = torch.arange(h), torch.arange(w)
            in_rows = (ar_h[None, :] >= vh[:, None]) & (ar_h[None, :] < vh[:, None] + s)
            in_cols = (ar_w[None, :] >= vw[:, None]) & (ar_w[None, :] < vw[:, None] + s)
            window = (in_rows[:, None, :, None] & in_cols[:, None, None, :]).float()
            bits = torch.from_numpy(((u2[:, None] >> np.arange(c, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(np.float32))
            new_deltas = window * (np.float32(2 * np.float32(eps)) * (2 * bits - 1)).view(len(idx), c, 1, 1)
            x_new = x_best_curr + new_deltas
            x_new = torch.min(torch.max(x_new, x_curr - eps), x_curr + eps)
            x_new = torch.clamp(x_new, 0.0, 1.0)
            margin, loss = margin_and_loss(x_new, y[idx])
            improved = (loss < loss_min[idx]).float()
            loss_min[idx] = improved * loss + (1.0 - improved) * loss_min[idx]
            improved = torch.max(improved, (margin <= 0.0).float())
            margin_min[idx] = improved * margin + (1.0 - improved) * margin_min[idx]
            keep = improved.view(-1, 1, 1, 1) > 0
            x_best[idx] = torch.where(keep, x_new, x_best_curr)
        fooled = margin_min <= 0
        robust[rows[fooled]] = False
        out[rows] = x_best
    return out, None


def raw_rows(seed, stream, gidx, n):
    """uint32 draws of n values for each sample index: [len(gidx), n] (the same numbers as raw(..., offset(g, n), n))."""
    blocks = (n + 3) // 4
    counters = np.asarray([offset(int(g), n) for g in gidx], dtype=np.uint64)[:, None] + np.arange(blocks, dtype=np.uint64)[None, :]
    r = philox(seed, stream, counters)
    return np.stack(r, axis=2).reshape(len(gidx), -1)[:, :n].astype(np.uint32)


def random_l0(ctx, x, k=28, max_steps=250):
    """Ilie et al. 2020: each step sets at most k random pixels of the original image to random values."""
    n, (c, h, w) = len(x), x.shape[1:]
    hw = h * w
    out, active, nsteps = x.clone(), torch.ones(n, dtype=torch.bool), torch.zeros(n, dtype=torch.long)
    for step in range(max_steps):
        rows = active.nonzero().flatten()
        if len(rows) == 0:
            break
        u = raw_rows(ctx.seed, stream_of(ctx.base, "random_pixels", step), ctx.gidx[rows].tolist(), k * (1 + c))
        pix = torch.from_numpy(((u[:, :k].astype(np.uint64) >> np.uint64(8)) * np.uint64(hw) >> np.uint64(24)).astype(np.int64))
        vals = torch.from_numpy(to_unit(u[:, k:]))
        imgs = x[rows].clone().view(len(rows), c, hw)
        ar = torch.arange(len(rows))
        for p in range(k):  # in order, so a pixel drawn twice keeps its later values
            for ch in range(c):
                imgs[ar, ch, pix[:, p]] = vals[:, p * c + ch]
        imgs = imgs.view(len(rows), c, h, w)
        with torch.no_grad():
            adv = ctx.adversarial(ctx.model(imgs).argmax(1), ctx.goal[rows])
        nsteps[rows] += 1
        write = adv | (step == max_steps - 1)
        out[rows[write]] = imgs[write]
        active[rows[adv]] = False
    return out, nsteps


def gaussian(ctx, x, sigma, draws=1):
    n, d = len(x), x[0].numel()
    out, active = x.clone(), torch.ones(n, dtype=torch.bool)
    for r in range(draws):
        rows = active.nonzero().flatten()
        if len(rows) == 0:
            break
        noise = normal_rows(ctx.seed, stream_of(ctx.base, "gaussian", r), ctx.gidx[rows], d, 0, sigma).view_as(x[rows])
        imgs = (x[rows] + noise).clamp(0, 1)
        with torch.no_grad():
            adv = ctx.adversarial(ctx.model(imgs).argmax(1), ctx.goal[rows])
        write = adv | (r == draws - 1)
        out[rows[write]] = imgs[write]
        active[rows[adv]] = False
    return out, None

# ---------------------------------------------------------------- the common frame

MINIMAL = {"deepfool", "cw"}
TARGETED = {"fgsm", "bim", "pgd", "pgd-l2", "cw", "apgd-ce", "square"}


def defaults(name, o):
    """The attack's defaults (docs/attacks.md) filled into a dict of options."""
    o = dict(o)
    eps = o.get("eps")
    if name == "fgsm":
        o.update(alpha=eps, steps=1, random_start=False)
    elif name == "bim":
        o.setdefault("steps", max(1, int(min(eps * 255 + 4, 1.25 * eps * 255))))
        o.setdefault("alpha", float(np.float32(1 / 255)))
        o["random_start"] = False
    elif name in ("pgd", "pgd-l2"):
        o.setdefault("steps", 10)
        o.setdefault("alpha", float(np.float32(2.5) * np.float32(eps) / np.float32(o["steps"])))
    elif name == "deepfool":
        o.setdefault("steps", 50)
    elif name == "cw":
        o.setdefault("steps", 1000)
    elif name == "apgd-ce":
        o.setdefault("steps", 100)
    elif name == "square":
        o.setdefault("steps", 5000)
    elif name == "random-l0":
        o.setdefault("eps", 28)
        o.setdefault("steps", 250)
    return o


def run(name, model, x, y, opts, seed=0, base=CLI_STREAM):
    """Runs one attack on images x [N, C, H, W] with labels y the way FastRobust frames it: clean predictions decide
    which samples are attacked, targets are resolved, minimal-perturbation results are projected onto the ε-ball,
    and success is judged on the returned images. Returns (adversarial images, dict of per-sample arrays)."""
    o = defaults(name, opts)
    eps, k = o.get("eps"), None
    with torch.no_grad():
        clean = model(x)
    k = clean.shape[1]
    cp = clean.argmax(1)
    mode = o.get("target", "none")
    gidx = torch.arange(len(x))
    if mode == "none":
        targets = None
    elif mode == "random":
        st = stream_of(base, "target", 0)
        tl = []
        for i in range(len(x)):
            u = raw(seed, st, i, 1)[0]
            t = below(u, k - 1)
            tl.append(t + 1 if t >= int(y[i]) else t)
        targets = torch.tensor(tl)
    elif mode == "least-likely":
        targets = clean.argmin(1)
    else:
        targets = torch.full_like(y, int(mode))
    goal = y if targets is None else targets
    attacked = cp == y if targets is None else cp != targets
    adv, nsteps = x.clone(), torch.zeros(len(x), dtype=torch.long)
    rows = attacked.nonzero().flatten()
    bounded = name != "gaussian"
    if len(rows) > 0 and not (bounded and eps == 0):
        ctx = Ctx(model, goal[rows], gidx[rows], targets is not None, seed, base)
        xs = x[rows]
        if name in ("fgsm", "bim", "pgd", "pgd-l2"):
            a, s = pgd(ctx, xs, eps, o["alpha"], o["steps"], o.get("random_start", True), o.get("restarts", 1), o.get("early_stop", True), name == "pgd-l2")
        elif name == "deepfool":
            a, s = deepfool(ctx, xs, o["steps"], o.get("overshoot", 0.02), o.get("candidates", 10))
        elif name == "cw":
            a, s = cw(ctx, xs, o["steps"], o.get("binary_steps", 9), o.get("initial_const", 1e-3), o.get("lr", 0.01), o.get("confidence", 0.0), o.get("abort_early", True))
        elif name == "apgd-ce":
            a, s = apgd_ce(ctx, xs, eps, o["steps"], o.get("rho", 0.75), o.get("restarts", 1))
        elif name == "square":
            a, s = square(ctx, xs, eps, o["steps"], o.get("p_init", 0.8), o.get("restarts", 1))
        elif name == "random-l0":
            a, s = random_l0(ctx, xs, int(eps), o["steps"])
        elif name == "gaussian":
            a, s = gaussian(ctx, xs, eps, o.get("restarts", 1))
        else:
            raise ValueError(name)
        adv[rows] = a
        if s is not None:
            nsteps[rows] = s
    if name in MINIMAL and eps is not None:
        delta = adv - x
        norm = delta.flatten(1).norm(dim=1)
        factor = torch.where(norm > eps, eps / norm, torch.ones_like(norm))
        adv = (x + delta * factor.view(-1, 1, 1, 1)).clamp(0, 1)
    with torch.no_grad():
        pred = model(adv).argmax(1)
    success = pred != y if targets is None else pred == targets
    return adv, dict(clean_prediction=cp, prediction=pred, attacked=attacked, success=success, steps=nsteps,
                     targets=targets, robust_accuracy=float((pred == y).float().mean()))
