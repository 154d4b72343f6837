using FastRobust.Attacks;
using FastRobust.Imaging;

namespace FastRobust.Pictures;

/// <summary>
/// Seed 001's second picture (Tsipras et al. 2019, Fig. 3): large-ε adversarial examples. Rows: the originals,
/// then for each model one row per attack (say L2 and L∞); columns: the images. Under each adversarial example,
/// the model's prediction on it; under each original, its label and, when all models share it, the target.
/// </summary>
public static class LargeEpsilonPicture
{
    public static LabelledGrid Build(IReadOnlyList<PictureModel> models, PictureImages images, IReadOnlyList<LargeEpsilonAttack> attacks,
        TargetChoice target, ulong seed, string source, Action<string>? progress = null)
    {
        int classes = models[0].Model.Spec.Classes;
        var shared = target.Targets(images.Labels, images.Indices, classes, seed);
        var grid = new LabelledGrid(1 + models.Count * attacks.Count, images.N, images.H, images.W, images.Zoom)
        {
            Title = $"Large-ε adversarial examples ({source}; {Aim(target)})",
        };
        grid.SetRowHeader(0, "original");
        for (int i = 0; i < images.N; i++)
        {
            grid.SetColumnHeader(i, $"#{images.Indices[i]}");
            grid.Draw(0, i, images.Image(i), images.C, images.H, images.W);
            grid.SetCaption(0, i, shared is null ? $"label: {images.Label(i)}" : $"label: {images.Label(i)}\ntarget: {images.ClassNames[shared[i]]}");
        }
        int row = 1;
        foreach (var pm in models)
            foreach (var attack in attacks)
            {
                progress?.Invoke($"{pm.Label}: {attack.Describe()}");
                var (adv, targets) = attack.Run(pm.Model, images.Images, images.Labels, shared, target.Mode == "least-likely", seed);
                var predictions = Predictions.Of(pm.Model, adv, images.N);
                grid.SetRowHeader(row, $"{pm.Label}\n{attack.Describe()}");
                for (int i = 0; i < images.N; i++)
                {
                    grid.Draw(row, i, adv.AsSpan(i * images.Size, images.Size), images.C, images.H, images.W);
                    string caption = predictions[i].Caption(images.ClassNames);
                    if (shared is null && targets is not null) caption += $"\ntarget: {images.ClassNames[targets[i]]}";
                    grid.SetCaption(row, i, caption);
                }
                row++;
            }
        grid.AddLegend("under each adversarial example: the model's prediction on it (softmax probability)");
        grid.AddLegend("PGD from the clean image, every step taken, the last iterate kept; pixels stay in [0, 1]");
        return grid;
    }

    internal static string Aim(TargetChoice target) => target.Mode switch
    {
        "none" => "untargeted: away from the label",
        "next" => "targeted: label + 1",
        "random" => "targeted: a random other class",
        "least-likely" => "targeted: each model's least-likely class",
        _ => $"targeted: class {target.Class}",
    };
}
