namespace FastRobust.Attacks;

/// <summary>
/// The difference-of-logits-ratio losses of Croce &amp; Hein 2020 (autopgd_base.py's dlr_loss and dlr_loss_targeted),
/// per sample on the host, with their gradient with respect to the logits. With z sorted descending
/// (z₍₁₎ ≥ z₍₂₎ ≥ …): untargeted L = −(z_y − max_{i≠y} z_i) / (z₍₁₎ − z₍₃₎ + 10⁻¹²); targeted
/// L = −(z_y − z_t) / (z₍₁₎ − ½(z₍₃₎ + z₍₄₎) + 10⁻¹²). Both are invariant to shifting and scaling the logits, which is
/// why APGD uses them next to cross-entropy. Computed in double: the ratio's gradient is a few terms.
/// </summary>
public static class DlrLoss
{
    /// <summary>Untargeted DLR of logits z with label y; writes ∂L/∂z into <paramref name="dz"/> (length K).</summary>
    public static double Untargeted(ReadOnlySpan<float> z, int y, Span<double> dz)
    {
        if (z.Length < 3) throw new ArgumentException("the DLR loss needs at least 3 classes");
        Span<int> top = stackalloc int[3];
        Top(z, top);
        // the largest logit other than y: the second when y leads, else the first
        int other = top[0] == y ? top[1] : top[0];
        double num = (double)z[y] - z[other];
        double den = (double)z[top[0]] - z[top[2]] + 1e-12;
        dz.Clear();
        // L = −num/den: ∂L = −∂num/den + num/den²·∂den
        dz[y] -= 1 / den;
        dz[other] += 1 / den;
        double c = num / (den * den);
        dz[top[0]] += c;
        dz[top[2]] -= c;
        return -num / den;
    }

    /// <summary>Targeted DLR of logits z with label y and target t; writes ∂L/∂z into <paramref name="dz"/>.</summary>
    public static double Targeted(ReadOnlySpan<float> z, int y, int target, Span<double> dz)
    {
        if (z.Length < 4) throw new ArgumentException("the targeted DLR loss needs at least 4 classes");
        Span<int> top = stackalloc int[4];
        Top(z, top);
        double num = (double)z[y] - z[target];
        double den = (double)z[top[0]] - 0.5 * ((double)z[top[2]] + z[top[3]]) + 1e-12;
        dz.Clear();
        dz[y] -= 1 / den;
        dz[target] += 1 / den;
        double c = num / (den * den);
        dz[top[0]] += c;
        dz[top[2]] -= 0.5 * c;
        dz[top[3]] -= 0.5 * c;
        return -num / den;
    }

    /// <summary>Indices of the |top| largest logits, largest first (ties: the lower index first).</summary>
    internal static void Top(ReadOnlySpan<float> z, Span<int> top)
    {
        int m = top.Length;
        top.Fill(-1);
        for (int j = 0; j < z.Length; j++)
        {
            int pos = m;
            while (pos > 0 && (top[pos - 1] < 0 || z[j] > z[top[pos - 1]])) pos--;
            if (pos >= m) continue;
            for (int q = m - 1; q > pos; q--) top[q] = top[q - 1];
            top[pos] = j;
        }
    }

    /// <summary>Classes ranked by clean logit, largest first (ties: the lower index first); AutoAttack's targets are ranks 2 … T+1.</summary>
    public static int[] Ranked(ReadOnlySpan<float> z)
    {
        var idx = new int[z.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        var copy = z.ToArray();
        Array.Sort(idx, (a, b) => copy[a] != copy[b] ? copy[b].CompareTo(copy[a]) : a.CompareTo(b));
        return idx;
    }
}
