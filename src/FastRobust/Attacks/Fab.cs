using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// FAB-T, the targeted Fast Adaptive Boundary attack (Croce &amp; Hein 2020, fab_base.py of the auto-attack repository),
/// L∞ or L2. For each target t among the classes ranked 2 … T+1 by the clean logits, the decision boundary between the
/// label y and t is linearised at the iterate x: w = ∇(z_t − z_y), b = w·x − (z_t − z_y). FabProjection gives the
/// smallest box-constrained moves d₁ from x and d₂ from the original x₀ onto that hyperplane; with
/// α = min(‖d₁‖/(‖d₁‖ + ‖d₂‖), α_max) the next iterate is clip₀₁((1 − α)(x + η·d₁) + α(x₀ + η·d₂)). An iterate that is
/// misclassified is remembered when it is the closest to x₀ so far, and x is pulled back to x₀ + β·(x − x₀). Restarts
/// after the first start from x₀ + ε/2·t/‖t‖ (t uniform in [−1, 1]ᴰ for L∞, normal for L2). A sample is fooled when a
/// misclassified iterate lies within ε; it then stops (FAB itself keeps shrinking the perturbation, which cannot
/// change that verdict). A sample that is not fooled comes back unchanged, as in AutoAttack. The targets run side by
/// side in the batch dimension. Projections run on the host in double; forward and backward passes on the device.
/// </summary>
public sealed class Fab : AttackBase
{
    public Fab(bool l2, bool targeted = true)
    {
        L2 = l2;
        Targeted = targeted;
    }

    public bool L2 { get; }

    /// <summary>FAB-T (one run per target class) or FAB (each step towards the boundary that looks nearest, AutoAttack's 'fab').</summary>
    public bool Targeted { get; }

    public override string Name => (Targeted ? "fab-t" : "fab") + (L2 ? "-l2" : "");
    public override ThreatNorm Norm => L2 ? ThreatNorm.L2 : ThreatNorm.Linf;
    public override bool SupportsTargeted => false;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException($"{Name} needs ε (--eps): it counts a sample fooled when it finds an adversarial point within ε");
        if (o.StepSize is not null) throw new InputException($"{Name} takes no step size: --alpha does not apply");
        if (!(o.AlphaMax >= 0 && o.AlphaMax <= 1)) throw new InputException($"{Name}'s α_max must be in [0, 1], got {AttackOptions.Format(o.AlphaMax)}");
        if (!(o.Eta >= 1) || float.IsInfinity(o.Eta)) throw new InputException($"{Name}'s overshoot η must be at least 1, got {AttackOptions.Format(o.Eta)}");
        if (!(o.Beta > 0 && o.Beta <= 1)) throw new InputException($"{Name}'s β must be in (0, 1], got {AttackOptions.Format(o.Beta)}");
        return o with { Epsilon = eps, Steps = o.Steps ?? 100 };
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["steps"] = o.Steps, ["restarts"] = o.Restarts, ["target_classes"] = Targeted ? o.TargetClasses : null,
        ["alpha_max"] = o.AlphaMax, ["eta"] = o.Eta, ["beta"] = o.Beta,
    });

    internal override void Attack(AttackBatch b)
    {
        var done = new bool[b.N];
        var x0 = b.X.ToArray();
        // untargeted FAB: one unit per sample, whose target (−1) is chosen at every step
        int count = Targeted ? Math.Min(b.Options.TargetClasses, b.Classes - 1) : 1;
        var targets = b.AttackedRows.ToDictionary(r => r, r => Targeted ? Apgd.RankedTargets(b, r, count) : [-1]);
        for (int restart = 0; restart < b.Options.Restarts; restart++)
        {
            var units = new List<(int Row, int Target, int Rank)>();
            for (int rank = 0; rank < count; rank++)
                foreach (int r in b.AttackedRows)
                    if (!done[r]) units.Add((r, targets[r][rank], rank));
            if (units.Count == 0) break;
            SingleRun(b, x0, units.ToArray(), restart, done);
        }
    }

    private void SingleRun(AttackBatch b, float[] x0, (int Row, int Target, int Rank)[] units, int restart, bool[] done)
    {
        var o = b.Options;
        float eps = o.Epsilon!.Value;
        int d = b.ImageSize, u = units.Length, k = b.Classes;
        var x = new float[u][];
        var res = new double[u];
        var best = new float[u][];
        Array.Fill(res, double.PositiveInfinity);
        if (restart == 0)
            for (int j = 0; j < u; j++) x[j] = x0.AsSpan(units[j].Row * d, d).ToArray();
        else
        {
            using var scope = new TensorScope();
            var t = Tensor.Empty([u, d], b.Device);
            ulong stream = AttackRandom.Stream(b.Rng, RandomPurpose.FabStart, restart * 1024L);
            ulong Stream(int s) => AttackRandom.SplitMix64(stream ^ (ulong)units[s].Rank);
            if (L2) AttackRandom.Normal(t, u, s => b.GlobalIndex(units[s].Row), b.Rng.Seed, Stream, 0f, 1f);
            else AttackRandom.Uniform(t, u, s => b.GlobalIndex(units[s].Row), b.Rng.Seed, Stream, -1f, 1f);
            var noise = t.ToArray();
            for (int j = 0; j < u; j++)
            {
                var row = noise.AsSpan(j * d, d);
                double norm = Norm2OrInf(row);
                var start = x0.AsSpan(units[j].Row * d, d);
                x[j] = new float[d];
                for (int i = 0; i < d; i++) x[j][i] = Math.Clamp((float)(start[i] + 0.5 * eps * row[i] / norm), 0f, 1f);
            }
        }

        var active = Enumerable.Range(0, u).ToList();
        var grads = new float[u][];
        Gradient(b, units, active, x, grads, out _);
        int iters = o.Steps!.Value;
        for (int it = 0; it < iters && active.Count > 0; it++)
        {
            Parallel.For(0, active.Count, new ParallelOptions { MaxDegreeOfParallelism = b.B.HostThreads },
                a => Step(units[active[a]].Row, x0, d, x, grads, active[a], o));
            bool last = it == iters - 1;
            var pred = last ? Predict(b, units, active, x) : Gradient(b, units, active, x, grads, out _);
            var again = new List<int>();
            foreach (var (j, p) in active.Zip(pred))
            {
                int r = units[j].Row;
                b.Steps[r]++;
                if (!b.IsAdversarial(r, p)) continue;
                var start = x0.AsSpan(r * d, d);
                double dist = Distance(x[j], start);
                if (dist < res[j])
                {
                    res[j] = dist;
                    best[j] = (float[])x[j].Clone();
                }
                if (dist <= eps && !done[r])
                {
                    done[r] = true;
                    b.B.Upload(best[j], b.Adversarial.Buffer, (long)r * d);
                }
                for (int i = 0; i < d; i++) x[j][i] = start[i] + (x[j][i] - start[i]) * o.Beta;
                again.Add(j);
            }
            active = active.Where(j => !done[units[j].Row]).ToList();
            again = again.Where(j => !done[units[j].Row]).ToList();
            if (!last && again.Count > 0) Gradient(b, units, again, x, grads, out _);
        }
    }

    /// <summary>One FAB step of unit j on the host: both projections, the convex combination, the clip.</summary>
    private void Step(int row, float[] x0All, int d, float[][] x, float[][] grads, int j, AttackOptions o)
    {
        var xj = x[j];
        var w = grads[j];
        var start = x0All.AsSpan(row * d, d);
        // grads[j] holds ∇(z_t − z_y) followed by the value z_t − z_y in its last slot
        double f = w[d];
        double dot = 0;
        for (int i = 0; i < d; i++) dot += (double)w[i] * xj[i];
        double bias = dot - f;
        var d1 = new double[d];
        var d2 = new double[d];
        var wSpan = w.AsSpan(0, d);
        if (L2)
        {
            FabProjection.L2(xj, wSpan, bias, d1);
            FabProjection.L2(start, wSpan, bias, d2);
        }
        else
        {
            FabProjection.Linf(xj, wSpan, bias, d1);
            FabProjection.Linf(start, wSpan, bias, d2);
        }
        double a1 = Math.Max(Norm2OrInf(d1), 1e-8), a2 = Math.Max(Norm2OrInf(d2), 1e-8);
        double alpha = Math.Min(Math.Max(a1 / (a1 + a2), 0), o.AlphaMax);
        for (int i = 0; i < d; i++)
        {
            double v = (xj[i] + o.Eta * d1[i]) * (1 - alpha) + (start[i] + d2[i] * o.Eta) * alpha;
            xj[i] = (float)Math.Clamp(v, 0, 1);
        }
    }

    private double Norm2OrInf(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double e in v) s = L2 ? s + e * e : Math.Max(s, Math.Abs(e));
        return L2 ? Math.Sqrt(s) : s;
    }

    private double Norm2OrInf(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float e in v) s = L2 ? s + (double)e * e : Math.Max(s, Math.Abs(e));
        return L2 ? Math.Sqrt(s) : s;
    }

    private double Distance(float[] a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double e = (double)a[i] - b[i];
            s = L2 ? s + e * e : Math.Max(s, Math.Abs(e));
        }
        return L2 ? Math.Sqrt(s) : s;
    }

    /// <summary>
    /// At the iterates of the listed units: ∇(z_t − z_y) and z_t − z_y into grads[j] (d + 1 values), and the predictions.
    /// </summary>
    private int[] Gradient(AttackBatch b, (int Row, int Target, int Rank)[] units, List<int> list, float[][] x, float[][] grads, out float[] logitsOut)
    {
        if (!Targeted) return NearestBoundary(b, units, list, x, grads, out logitsOut);
        using var scope = new TensorScope();
        int n = list.Count, d = b.ImageSize, k = b.Classes;
        var xt = Upload(b, list, x);
        float[] z = [];
        var (logits, g) = InputGradient.LogitCombination(b.Model, xt, lg =>
        {
            var seed = new float[n * k];
            for (int a = 0; a < n; a++)
            {
                var unit = units[list[a]];
                seed[a * k + unit.Target] += 1f;
                seed[a * k + b.Labels[unit.Row]] -= 1f;
            }
            return Tensor.FromArray(seed, [n, k], b.Device);
        });
        using (g)
        {
            var gh = g.ToArray();
            z = logits.ToArray();
            for (int a = 0; a < n; a++)
            {
                var unit = units[list[a]];
                var row = grads[list[a]] ??= new float[d + 1];
                gh.AsSpan(a * d, d).CopyTo(row);
                row[d] = z[a * k + unit.Target] - z[a * k + b.Labels[unit.Row]];
                b.Queries[unit.Row]++;
                b.Gradients[unit.Row]++;
            }
        }
        logitsOut = z;
        return AttackBase.ArgMaxRows(z, n, k);
    }

    /// <summary>
    /// Untargeted FAB's linearisation: the gradients of z_j − z_y for every class j ≠ y (the K − 1 of a sample go through
    /// the device as K − 1 rows of one batch), then the class whose linearised boundary is nearest,
    /// |z_j − z_y| / ‖∇(z_j − z_y)‖_* (the dual norm: L1 for L∞, L2 for L2), fab_base.py's choice.
    /// </summary>
    private int[] NearestBoundary(AttackBatch b, (int Row, int Target, int Rank)[] units, List<int> list, float[][] x, float[][] grads, out float[] logitsOut)
    {
        using var scope = new TensorScope();
        int n = list.Count, d = b.ImageSize, k = b.Classes, m = k - 1;
        var xt = Tensor.Empty([n * m, b.C, b.H, b.W], b.Device);
        for (int a = 0; a < n; a++)
            for (int q = 0; q < m; q++) b.B.Upload(x[list[a]], xt.Buffer, ((long)a * m + q) * d);
        var (logits, g) = InputGradient.LogitCombination(b.Model, xt, lg =>
        {
            var seed = new float[n * m * k];
            for (int a = 0; a < n; a++)
            {
                int y = b.Labels[units[list[a]].Row];
                for (int q = 0; q < m; q++)
                {
                    int j = q < y ? q : q + 1;
                    seed[(a * m + q) * k + j] += 1f;
                    seed[(a * m + q) * k + y] -= 1f;
                }
            }
            return Tensor.FromArray(seed, [n * m, k], b.Device);
        });
        var z = logits.ToArray();
        var first = new float[n * k];
        using (g)
        {
            var gh = g.ToArray();
            for (int a = 0; a < n; a++)
            {
                var unit = units[list[a]];
                int y = b.Labels[unit.Row];
                Array.Copy(z, (long)a * m * k, first, (long)a * k, k);
                double bestDist = double.PositiveInfinity;
                int best = 0;
                for (int q = 0; q < m; q++)
                {
                    int j = q < y ? q : q + 1;
                    double f = z[(a * m + q) * k + j] - z[(a * m + q) * k + y];
                    double dual = 0;
                    var row = gh.AsSpan((a * m + q) * d, d);
                    foreach (float v in row) dual += L2 ? (double)v * v : Math.Abs(v);
                    if (L2) dual = Math.Sqrt(dual);
                    double dist = Math.Abs(f) / (1e-12 + dual);
                    if (dist < bestDist) { bestDist = dist; best = q; }
                }
                int cls = best < y ? best : best + 1;
                var dst = grads[list[a]] ??= new float[d + 1];
                gh.AsSpan((a * m + best) * d, d).CopyTo(dst);
                dst[d] = z[(a * m + best) * k + cls] - z[(a * m + best) * k + y];
                b.Queries[unit.Row] += m;
                b.Gradients[unit.Row] += m;
            }
        }
        logitsOut = first;
        return AttackBase.ArgMaxRows(first, n, k);
    }

    private static int[] Predict(AttackBatch b, (int Row, int Target, int Rank)[] units, List<int> list, float[][] x)
    {
        using var scope = new TensorScope();
        var z = InputGradient.Logits(b.Model, Upload(b, list, x)).ToArray();
        foreach (int j in list) b.Queries[units[j].Row]++;
        return AttackBase.ArgMaxRows(z, list.Count, b.Classes);
    }

    private static Tensor Upload(AttackBatch b, List<int> list, float[][] x)
    {
        int d = b.ImageSize;
        var xt = Tensor.Empty([list.Count, b.C, b.H, b.W], b.Device);
        for (int a = 0; a < list.Count; a++) b.B.Upload(x[list[a]], xt.Buffer, (long)a * d);
        return xt;
    }
}
