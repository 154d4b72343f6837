using FastRobust.Attacks;
using System.Globalization;
using FastRobust.Imaging;

namespace FastRobust.Pictures;

/// <summary>
/// Seed 001's third picture (Tsipras et al. 2019, Fig. 4): the segment x + t·(x_adv − x) from each image to its
/// large-ε adversarial example, for each model. Rows: image × model; columns: t. Under each tile, the model's
/// prediction on that point of the segment.
/// </summary>
public static class InterpolationPicture
{
    public static LabelledGrid Build(IReadOnlyList<PictureModel> models, PictureImages images, LargeEpsilonAttack attack,
        TargetChoice target, IReadOnlyList<float> ts, ulong seed, string source, Action<string>? progress = null)
    {
        int classes = models[0].Model.Spec.Classes;
        var shared = target.Targets(images.Labels, images.Indices, classes, seed);
        var grid = new LabelledGrid(images.N * models.Count, ts.Count, images.H, images.W, images.Zoom)
        {
            Title = $"Interpolation x + t·(x_adv − x) ({source})",
        };
        for (int k = 0; k < ts.Count; k++) grid.SetColumnHeader(k, $"t = {ts[k].ToString("0.###", CultureInfo.InvariantCulture)}");
        for (int m = 0; m < models.Count; m++)
        {
            var pm = models[m];
            progress?.Invoke($"{pm.Label}: {attack.Describe()}");
            var (adv, targets) = attack.Run(pm.Model, images.Images, images.Labels, shared, target.Mode == "least-likely", seed);
            for (int i = 0; i < images.N; i++)
            {
                int row = i * models.Count + m;
                var x = images.Image(i);
                var xAdv = adv.AsSpan(i * images.Size, images.Size);
                var points = new float[ts.Count * images.Size];
                for (int k = 0; k < ts.Count; k++)
                    Interpolation.At(x, xAdv, ts[k]).CopyTo(points, k * images.Size);
                var predictions = Predictions.Of(pm.Model, points, ts.Count);
                string aim = targets is null ? $"label {images.Label(i)}" : $"{images.Label(i)} → {images.ClassNames[targets[i]]}";
                grid.SetRowHeader(row, $"#{images.Indices[i]} ({aim})\n{pm.Label}");
                for (int k = 0; k < ts.Count; k++)
                {
                    grid.Draw(row, k, points.AsSpan(k * images.Size, images.Size), images.C, images.H, images.W);
                    grid.SetCaption(row, k, predictions[k].Caption(images.ClassNames));
                }
            }
        }
        grid.AddLegend($"x_adv: {attack.Describe()}, {LargeEpsilonPicture.Aim(target)}; PGD from x, every step taken, the last iterate kept");
        grid.AddLegend("t = 0: the original x; t = 1: its adversarial example x_adv for that row's model");
        grid.AddLegend("under each tile: the model's prediction on it (softmax probability)");
        return grid;
    }
}
