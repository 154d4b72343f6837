#!/usr/bin/env python3
"""PyTorch reference of AutoAttack's members and ensemble (Croce & Hein 2020), written from the published algorithms
as the auto-attack repository implements them (autopgd_base.py: APGD with the CE, DLR and targeted DLR losses, L-inf
and L2; fab_base.py: FAB-T; autoattack.py: the standard ensemble), the way AutoAttack runs them: whole batches, every
iteration, targets one after another, each member on the samples still robust.

The random starts are FastRobust's Philox numbers (attack_reference.py), so per-sample outcomes can be compared.
FAB's projection onto the linearised boundary is solved here by bisection on its scalar in float64 (not by the
sorting scheme of fab_projections.py nor FastRobust's), an independent route to the same minimiser.
Used by autoattack_make_fixtures.py."""
import torch, torch.nn.functional as F

import attack_reference as R

R.PURPOSE.update(apgd_targeted_start=9, fab_start=10)


def dlr(z, y):
    zs, ind = z.sort(dim=1)
    u = torch.arange(len(z))
    top_is_y = (ind[:, -1] == y).float()
    return -(z[u, y] - zs[:, -2] * top_is_y - zs[:, -1] * (1 - top_is_y)) / (zs[:, -1] - zs[:, -3] + 1e-12)


def dlr_targeted(z, y, t):
    zs, _ = z.sort(dim=1)
    u = torch.arange(len(z))
    return -(z[u, y] - z[u, t]) / (zs[:, -1] - 0.5 * (zs[:, -3] + zs[:, -4]) + 1e-12)


def normalize(v, l2):
    flat = v.flatten(1)
    n = flat.norm(dim=1) if l2 else flat.abs().max(1)[0]
    return v / (n.view(-1, 1, 1, 1) + 1e-12)


def project_l2(x, z, eps):
    v = z - x
    n = v.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
    return (x + normalize(v, True) * torch.clamp(n, max=eps)).clamp(0, 1)


def apgd_single_run(model, x, y, eps, l2, loss, target, n_iter, rho, t):
    """attack_single_run of autopgd_base.py with start noise t; returns (fooled, adversarial iterate, best point, best loss)."""
    n_iter_2, n_iter_min, size_decr = max(int(0.22 * n_iter), 1), max(int(0.06 * n_iter), 1), max(int(0.03 * n_iter), 1)

    def crit(z):
        if loss == "ce":
            return F.cross_entropy(z, y, reduction="none")
        if loss == "dlr":
            return dlr(z, y)
        return dlr_targeted(z, y, target)

    def grad_at(xa):
        xa = xa.clone().requires_grad_(True)
        z = model(xa)
        li = crit(z)
        (g,) = torch.autograd.grad(li.sum(), xa)
        return z.detach(), li.detach(), g.detach()

    x_adv = (x + eps * normalize(t, l2)).clamp(0, 1)
    x_best, x_best_adv = x_adv.clone(), x_adv.clone()
    loss_steps = torch.zeros(n_iter, len(x))
    z, loss_indiv, grad = grad_at(x_adv)
    grad_best = grad.clone()
    acc = z.argmax(1) == y
    loss_best = loss_indiv.clone()
    step = 2 * eps * torch.ones(len(x), 1, 1, 1)
    x_old = x_adv.clone()
    counter3, k = 0, n_iter_2
    best_last, reduced_last = loss_best.clone(), torch.ones_like(loss_best)
    lo, hi = x - eps, x + eps
    for i in range(n_iter):
        grad2 = x_adv - x_old
        x_old = x_adv.clone()
        a = 0.75 if i > 0 else 1.0
        if l2:
            x1 = project_l2(x, x_adv + step * normalize(grad, True), eps)
            x1 = project_l2(x, x_adv + (x1 - x_adv) * a + grad2 * (1 - a), eps)
        else:
            x1 = torch.clamp(torch.min(torch.max(x_adv + step * torch.sign(grad), lo), hi), 0, 1)
            x1 = torch.clamp(torch.min(torch.max(x_adv + (x1 - x_adv) * a + grad2 * (1 - a), lo), hi), 0, 1)
        x_adv = x1
        z, loss_indiv, grad = grad_at(x_adv)
        ok = z.argmax(1) == y
        acc = torch.min(acc, ok)
        x_best_adv[~ok] = x_adv[~ok]
        loss_steps[i] = loss_indiv
        up = loss_indiv > loss_best
        x_best[up], grad_best[up], loss_best[up] = x_adv[up], grad[up], loss_indiv[up]
        counter3 += 1
        if counter3 == k:
            cnt = torch.zeros(len(x))
            for c5 in range(k):
                cnt += (loss_steps[i - c5] > loss_steps[i - c5 - 1]).float()
            osc = (cnt <= k * rho).float()
            no_impr = (1.0 - reduced_last) * (best_last >= loss_best).float()
            osc = torch.max(osc, no_impr)
            reduced_last, best_last = osc.clone(), loss_best.clone()
            red = osc > 0
            step[red] /= 2.0
            x_adv[red], grad[red] = x_best[red].clone(), grad_best[red].clone()
            k = max(k - size_decr, n_iter_min)
            counter3 = 0
    return ~acc, x_best_adv, x_best, loss_best


def start_noise(seed, stream, gidx, like, l2):
    d = like[0].numel()
    if l2:
        return R.normal_rows(seed, stream, gidx, d, 0.0, 1.0).view_as(like)
    return R.uniform_rows(seed, stream, gidx, d, -1, 1).view_as(like)


def ranked_targets(model, x, count):
    with torch.no_grad():
        z = model(x)
    # descending with ties to the lower index, as FastRobust ranks them
    order = torch.stack([torch.tensor(sorted(range(z.shape[1]), key=lambda c: (-float(row[c]), c))) for row in z])
    return order[:, 1:1 + count]


def apgd(model, x, y, gidx, eps, l2=False, loss="ce", n_iter=100, rho=0.75, restarts=1, target_classes=9, seed=0, base=R.CLI_STREAM):
    """perturb of APGDAttack / APGDAttack_targeted on correctly classified x: returns (fooled [N] bool, images)."""
    out, fooled = x.clone(), torch.zeros(len(x), dtype=torch.bool)
    if loss != "dlr-targeted":
        for r in range(restarts):
            rows = (~fooled).nonzero().flatten()
            if len(rows) == 0:
                break
            t = start_noise(seed, R.stream_of(base, "apgd_start", r), gidx[rows], x[rows], l2)
            f, adv, _, _ = apgd_single_run(model, x[rows], y[rows], eps, l2, loss, None, n_iter, rho, t)
            fooled[rows[f]] = True
            out[rows[f]] = adv[f]
        return fooled, out
    count = min(target_classes, model(x[:1]).shape[1] - 1)
    targets = ranked_targets(model, x, count)
    for rank in range(count):
        for r in range(restarts):
            rows = (~fooled).nonzero().flatten()
            if len(rows) == 0:
                break
            t = start_noise(seed, R.stream_of(base, "apgd_targeted_start", r * 1024 + rank), gidx[rows], x[rows], l2)
            f, adv, _, _ = apgd_single_run(model, x[rows], y[rows], eps, l2, "dlr-targeted", targets[rows, rank], n_iter, rho, t)
            fooled[rows[f]] = True
            out[rows[f]] = adv[f]
    return fooled, out

# ---------------------------------------------------------------- FAB


def boundary_projection(t, w, b, l2, iters=200):
    """Smallest L-inf / L2 move d with w·(t + d) = b and t + d in [0, 1], by bisection in float64 on the scalar
    (L-inf: the radius λ of d_i = -sign(w_i)·min(λ, room_i); L2: α of d_i = clip(-α·w_i, -t_i, 1 - t_i)).
    Where the box cannot reach the hyperplane, every coordinate moves as far as the box allows."""
    t, w, b = t.double(), w.double(), b.double()
    c = (w * t).sum(1) - b
    s = torch.where(c >= 0, 1.0, -1.0).double()
    w, c = w * s.unsqueeze(1), c * s
    if l2:
        live = w.abs() >= 1e-8
        ws = torch.where(live, w, torch.ones_like(w))
        r = torch.where(live, torch.max(t / ws, (t - 1) / ws), torch.zeros_like(w))

        def move(a):
            return torch.where(live, -torch.min(a.unsqueeze(1), r) * w, torch.zeros_like(w))
        hi = r.max(1)[0]
    else:
        live = w != 0
        room = torch.where(w >= 0, t, 1 - t)

        def move(a):
            return torch.where(live, -torch.sign(w) * torch.min(a.unsqueeze(1), room), torch.zeros_like(w))
        hi = room.max(1)[0]
    lo = torch.zeros_like(hi)
    full = -(move(hi) * w).sum(1)
    feasible = full >= c
    for _ in range(iters):
        mid = (lo + hi) / 2
        enough = -(move(mid) * w).sum(1) >= c
        hi = torch.where(enough, mid, hi)
        lo = torch.where(enough, lo, mid)
    # infeasible: hi never moved from the largest breakpoint, where every coordinate sits on the box
    _ = feasible
    return move(hi)


def nearest_boundary(model, x1, y, l2):
    """Untargeted FAB's linearisation: of all z_j - z_y (j != y), the one whose linearised boundary is nearest."""
    xa = x1.clone().requires_grad_(True)
    z = model(xa)
    k = z.shape[1]
    grads = []
    for j in range(k):
        (g,) = torch.autograd.grad(z[:, j].sum(), xa, retain_graph=True)
        grads.append(g.flatten(1))
    gj = torch.stack(grads, 1)
    u = torch.arange(len(x1))
    df = (z - z[u, y].unsqueeze(1)).detach()
    dg = gj - gj[u, y].unsqueeze(1)
    df[u, y] = 1e10
    dual = dg.norm(dim=2) if l2 else dg.abs().sum(2)
    ind = (df.abs() / (1e-12 + dual)).min(1)[1]
    return df[u, ind], dg[u, ind]


def fab_single_run(model, x, y, target, eps, l2, n_iter, alpha_max, eta, beta, x_start):
    """attack_single_run of fab_base.py from x_start (target None: untargeted); returns the smallest misclassified
    perturbation's norm and that point."""
    bs = len(x)
    u = torch.arange(bs)
    x0 = x.flatten(1)
    x1 = x_start.clone()
    res2 = torch.full((bs,), 1e10, dtype=torch.float64)
    best = x.clone()

    def norm(v):
        v = v.flatten(1).double()
        return v.norm(dim=1) if l2 else v.abs().max(1)[0]
    for _ in range(n_iter):
        if target is None:
            diff, w = nearest_boundary(model, x1, y, l2)
        else:
            xa = x1.clone().requires_grad_(True)
            z = model(xa)
            diff = z[u, target] - z[u, y]
            (g,) = torch.autograd.grad(diff.sum(), xa)
            w = g.flatten(1)
        b = -diff.detach().double() + (w.double() * x1.flatten(1).double()).sum(1)
        d1 = boundary_projection(x1.flatten(1), w, b, l2)
        d2 = boundary_projection(x0, w, b, l2)
        a1 = torch.clamp(d1.norm(dim=1) if l2 else d1.abs().max(1)[0], min=1e-8)
        a2 = torch.clamp(d2.norm(dim=1) if l2 else d2.abs().max(1)[0], min=1e-8)
        alpha = torch.clamp(a1 / (a1 + a2), 0, alpha_max).unsqueeze(1)
        nx = ((x1.flatten(1).double() + eta * d1) * (1 - alpha) + (x0.double() + d2 * eta) * alpha).clamp(0, 1)
        x1 = nx.float().view_as(x)
        with torch.no_grad():
            adv = model(x1).argmax(1) != y
        if adv.any():
            dist = norm(x1 - x)
            closer = adv & (dist < res2)
            best[closer] = x1[closer]
            res2 = torch.where(closer, dist, res2)
            x1[adv] = x[adv] + (x1[adv] - x[adv]) * beta
    return res2, best


def fab_t(model, x, y, gidx, eps, l2=False, n_iter=100, restarts=1, target_classes=9, alpha_max=0.1, eta=1.05, beta=0.9, seed=0, base=R.CLI_STREAM, targeted=True):
    """perturb of FABAttack (targeted, or untargeted with targeted=False): a sample is fooled when a misclassified
    point lies within eps."""
    out, fooled = x.clone(), torch.zeros(len(x), dtype=torch.bool)
    count = min(target_classes, model(x[:1]).shape[1] - 1) if targeted else 1
    targets = ranked_targets(model, x, count) if targeted else None
    for rank in range(count):
        for r in range(restarts):
            rows = (~fooled).nonzero().flatten()
            if len(rows) == 0:
                break
            xs = x[rows]
            if r == 0:
                start = xs.clone()
            else:
                stream = R.splitmix64(R.stream_of(base, "fab_start", r * 1024) ^ rank)
                t = start_noise(seed, stream, gidx[rows], xs, l2)
                start = (xs + 0.5 * eps * normalize(t, l2)).clamp(0, 1)
            tg = targets[rows, rank] if targeted else None
            res2, best = fab_single_run(model, xs, y[rows], tg, eps, l2, n_iter, alpha_max, eta, beta, start)
            f = res2 <= eps
            fooled[rows[f]] = True
            out[rows[f]] = best[f]
    return fooled, out

# ---------------------------------------------------------------- the ensemble


def autoattack(model, x, y, eps, l2=False, steps=100, seed=0, base=R.CLI_STREAM, log=None):
    """The standard version: APGD-CE, APGD-T, FAB-T, Square (L-inf only; 50·steps queries), each on the samples still
    robust. Returns (robust [N] bool, images, {member: robust count after it})."""
    with torch.no_grad():
        robust = model(x).argmax(1) == y
    out = x.clone()
    gidx = torch.arange(len(x))
    after = {}
    members = ["apgd-ce", "apgd-t", "fab-t"] + ([] if l2 else ["square"])
    for m in members:
        rows = robust.nonzero().flatten()
        if len(rows) > 0:
            xs, ys, gs = x[rows], y[rows], gidx[rows]
            if m == "apgd-ce":
                f, adv = apgd(model, xs, ys, gs, eps, l2, "ce", steps, seed=seed, base=base)
            elif m == "apgd-t":
                f, adv = apgd(model, xs, ys, gs, eps, l2, "dlr-targeted", steps, seed=seed, base=base)
            elif m == "fab-t":
                f, adv = fab_t(model, xs, ys, gs, eps, l2, steps, seed=seed, base=base)
            else:
                ctx = R.Ctx(model, ys, gs, False, seed, base)
                adv, _ = R.square(ctx, xs, eps, 50 * steps)
                with torch.no_grad():
                    f = model(adv).argmax(1) != ys
            with torch.no_grad():
                f = f & (model(adv).argmax(1) != ys)
            robust[rows[f]] = False
            out[rows[f]] = adv[f]
        after[m] = int(robust.sum())
        if log:
            log(f"{m}: robust {after[m]} of {len(x)}")
    return robust, out, after
