using System.Globalization;
using FastRobust.Imaging;
using SkiaSharp;

namespace FastRobust.Attacks;

/// <summary>
/// The attack verb's picture: one row per sample with the original image, the perturbation δ = x_adv − x (amplified:
/// mid-grey is no change, each image scaled so that its largest |δ| reaches black or white) and the adversarial
/// image. Under the original: the true class and the clean prediction with its probability; under δ: its L∞ and L2
/// norms; under the adversarial image: its prediction, in red when the attack succeeded, green when it did not, and
/// black when the sample was not attacked. A colour bar and a legend say so.
/// </summary>
public static class AttackGrid
{
    public static readonly SKColor Succeeded = new(200, 0, 0), Failed = new(0, 140, 0), NotAttacked = SKColors.Black;

    /// <summary>
    /// The grid of the first <paramref name="count"/> samples. <paramref name="cleanLogits"/> and
    /// <paramref name="adversarialLogits"/> are the model's logits [N, K] on the clean and adversarial images (for
    /// the probabilities in the captions); <paramref name="classNames"/> name the K classes.
    /// </summary>
    public static LabelledGrid Build(float[] clean, float[] adversarial, int[] shape, AttackResult r, int count,
        float[] cleanLogits, float[] adversarialLogits, IReadOnlyList<string> classNames)
    {
        int c = shape[1], h = shape[2], w = shape[3], size = c * h * w, k = classNames.Count;
        var grid = new LabelledGrid(count, 3, h, w, Math.Max(1, 112 / Math.Max(h, w)))
        {
            Title = $"{r.Attack}{(r.Epsilon is float e ? $", ε = {e.ToString("0.####", CultureInfo.InvariantCulture)}" : "")}" +
                    $"{(r.Targeted ? ", targeted" : "")}: robust accuracy {Robust(r, count)} of the first {count}",
        };
        grid.SetColumnHeader(0, "original x");
        grid.SetColumnHeader(1, "perturbation δ (amplified)");
        grid.SetColumnHeader(2, "adversarial x + δ");
        var delta = new float[size];
        for (int i = 0; i < count; i++)
        {
            var x = clean.AsSpan(i * size, size);
            var a = adversarial.AsSpan(i * size, size);
            float max = 0;
            for (int j = 0; j < size; j++) max = Math.Max(max, Math.Abs(a[j] - x[j]));
            for (int j = 0; j < size; j++) delta[j] = max > 0 ? 0.5f + (a[j] - x[j]) / (2 * max) : 0.5f;
            grid.SetRowHeader(i, $"#{r.SampleOffset + i}");
            grid.Draw(i, 0, x, c, h, w);
            grid.Draw(i, 1, delta, c, h, w);
            grid.Draw(i, 2, a, c, h, w);
            grid.SetCaption(i, 0, $"true: {classNames[r.Labels[i]]}\npred: {ClassPrediction.FromLogits(cleanLogits.AsSpan(i * k, k)).Caption(classNames)}");
            grid.SetCaption(i, 1, $"L∞ {F(r.Linf[i])}\nL2 {F(r.L2[i])}");
            string caption = $"pred: {ClassPrediction.FromLogits(adversarialLogits.AsSpan(i * k, k)).Caption(classNames)}";
            if (r.Targets is { } t) caption += $"\ntarget: {classNames[t[i]]}";
            grid.SetCaption(i, 2, caption, !r.Attacked[i] ? NotAttacked : r.Success[i] ? Succeeded : Failed);
        }
        grid.SetColourBar(ColourMap.Grey, "δ, each image scaled by its own max |δ|:", "−max", "+max", "0");
        grid.AddLegend(r.Targeted ? "attack succeeded: the adversarial image is classified as the target" : "attack succeeded: the adversarial image is misclassified", Succeeded);
        grid.AddLegend(r.Targeted ? "attack failed: not classified as the target" : "attack failed: still classified correctly", Failed);
        grid.AddLegend(r.Targeted ? "not attacked: the clean image is already classified as the target" : "not attacked: the clean image is already misclassified", NotAttacked);
        grid.AddLegend("pred: the model's class (softmax probability); L∞, L2: the norms of δ in [0, 1] pixel units");
        return grid;
    }

    private static string Robust(AttackResult r, int count) =>
        $"{Enumerable.Range(0, count).Count(r.Robust)}/{count}";

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
