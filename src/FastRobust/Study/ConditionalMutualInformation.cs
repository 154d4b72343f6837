namespace FastRobust.Study;

/// <summary>
/// The conditional mutual information test of Jiang et al. 2020 (§5): over all pairs of models, V_μ is the sign of the
/// measure's difference and V_g the sign of the notion's; for a set S of hyperparameters, U_S is the pair's values of
/// S. The score of a measure is the minimum over every S of at most two hyperparameters (the empty set included) of
/// Î(V_μ; V_g | U_S) = I(V_μ; V_g | U_S) / H(V_g | U_S): the share of the notion's ordering the measure still tells
/// once S is known. A measure that only follows a hyperparameter the notion also follows scores near 0 (conditioning
/// on that hyperparameter removes the agreement); one that orders the models as the notion does for reasons of its
/// own scores near 1. Plug-in (empirical frequency) estimates; signs take the values −1, 0, +1; when H(V_g | U_S) is
/// 0 the set S alone decides the notion's ordering and the measure adds nothing: Î = 0.
/// </summary>
public sealed class ConditionalMutualInformation
{
    /// <summary>The largest conditioning sets, as in Jiang et al.</summary>
    public const int MaxConditioning = 2;

    private readonly int _n;
    /// <summary>Per conditioning set: the cell (index of the pair's values of S) of every pair i &lt; j, row-major.</summary>
    private readonly List<(string[] Set, int[] Cell, int Cells)> _sets = new();

    /// <param name="configs">each model's hyperparameter values (as text)</param>
    /// <param name="axes">the hyperparameters that vary</param>
    public ConditionalMutualInformation(IReadOnlyList<IReadOnlyDictionary<string, string>> configs, IReadOnlyList<string> axes)
    {
        _n = configs.Count;
        var subsets = new List<string[]> { Array.Empty<string>() };
        for (int a = 0; a < axes.Count; a++)
        {
            subsets.Add([axes[a]]);
            if (MaxConditioning >= 2)
                for (int b = a + 1; b < axes.Count; b++) subsets.Add([axes[a], axes[b]]);
        }
        foreach (var s in subsets)
        {
            var keys = new Dictionary<string, int>();
            var cell = new int[_n * (_n - 1) / 2];
            int p = 0;
            for (int i = 0; i < _n; i++)
            for (int j = i + 1; j < _n; j++)
            {
                string key = string.Join("\u0001", s.Select(a => configs[i].GetValueOrDefault(a, "") + "\u0002" + configs[j].GetValueOrDefault(a, "")));
                if (!keys.TryGetValue(key, out int c)) keys[key] = c = keys.Count;
                cell[p++] = c;
            }
            _sets.Add((s, cell, keys.Count));
        }
    }

    /// <summary>min over S of Î(V_μ; V_g | U_S), and the S that attains it (empty: no conditioning). NaN below 3 models.</summary>
    public (double Value, string[] Set) Score(IReadOnlyList<double> measure, IReadOnlyList<double> notion)
    {
        if (_n < 3 || measure.Count != _n || notion.Count != _n) return (double.NaN, []);
        int pairs = _n * (_n - 1) / 2;
        var vm = new int[pairs];
        var vg = new int[pairs];
        int p = 0;
        for (int i = 0; i < _n; i++)
        for (int j = i + 1; j < _n; j++)
        {
            vm[p] = Math.Sign(measure[i] - measure[j]) + 1;
            vg[p] = Math.Sign(notion[i] - notion[j]) + 1;
            p++;
        }
        double best = double.PositiveInfinity;
        string[] bestSet = [];
        foreach (var (set, cell, cells) in _sets)
        {
            var counts = new int[cells * 9];
            var total = new int[cells];
            for (int k = 0; k < pairs; k++)
            {
                counts[cell[k] * 9 + vm[k] * 3 + vg[k]]++;
                total[cell[k]]++;
            }
            double info = 0, entropy = 0;
            for (int c = 0; c < cells; c++)
            {
                if (total[c] == 0) continue;
                double w = (double)total[c] / pairs;
                var (i, h) = CellInformation(counts.AsSpan(c * 9, 9), total[c]);
                info += w * i;
                entropy += w * h;
            }
            double v = entropy <= 1e-15 ? 0 : Math.Clamp(info / entropy, 0, 1);
            if (v < best) { best = v; bestSet = set; }
        }
        return (best, bestSet);
    }

    /// <summary>I(V_μ; V_g) and H(V_g) of one cell's 3 × 3 table of counts (natural logarithms).</summary>
    private static (double Information, double Entropy) CellInformation(ReadOnlySpan<int> joint, int total)
    {
        Span<double> pm = stackalloc double[3], pg = stackalloc double[3];
        for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
        {
            pm[a] += (double)joint[a * 3 + b] / total;
            pg[b] += (double)joint[a * 3 + b] / total;
        }
        double info = 0, h = 0;
        for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
        {
            double pab = (double)joint[a * 3 + b] / total;
            if (pab > 0) info += pab * Math.Log(pab / (pm[a] * pg[b]));
        }
        for (int b = 0; b < 3; b++)
            if (pg[b] > 0) h -= pg[b] * Math.Log(pg[b]);
        return (info, h);
    }
}
