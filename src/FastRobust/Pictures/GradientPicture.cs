using FastRobust.Attacks;
using FastRobust.Imaging;

namespace FastRobust.Pictures;

/// <summary>
/// Seed 001's first picture (Tsipras et al. 2019, Fig. 2): the loss gradient with respect to the input pixels of
/// each model, drawn as <see cref="GradientMap.Render"/> does. Rows: the original images, then one row per model;
/// columns: the images. Under each map, the model's prediction on the clean image.
/// </summary>
public static class GradientPicture
{
    public static LabelledGrid Build(IReadOnlyList<PictureModel> models, PictureImages images, string source)
    {
        var grid = new LabelledGrid(models.Count + 1, images.N, images.H, images.W, images.Zoom)
        {
            Title = $"Loss gradient ∂L/∂x with respect to the input pixels ({source})",
        };
        grid.SetRowHeader(0, "original");
        for (int i = 0; i < images.N; i++)
        {
            grid.SetColumnHeader(i, $"#{images.Indices[i]}");
            grid.Draw(0, i, images.Image(i), images.C, images.H, images.W);
            grid.SetCaption(0, i, $"label: {images.Label(i)}");
        }
        for (int m = 0; m < models.Count; m++)
        {
            var model = models[m].Model;
            grid.SetRowHeader(m + 1, models[m].Label);
            var gradients = GradientMap.LossGradients(model, images.Images, images.Labels);
            var predictions = Predictions.Of(model, images.Images, images.N);
            for (int i = 0; i < images.N; i++)
            {
                grid.Draw(m + 1, i, GradientMap.Render(gradients.AsSpan(i * images.Size, images.Size), images.C), 3, images.H, images.W);
                grid.SetCaption(m + 1, i, predictions[i].Caption(images.ClassNames));
            }
        }
        if (images.C == 1)
            grid.SetColourBar(ColourMap.RedWhiteBlue, "∂L/∂x, each map scaled by its own max |∂L/∂x|:", "−max", "+max", "0");
        else
            grid.AddLegend("each map: ∂L/∂x per channel, clipped to ±3 standard deviations of its values and rescaled to [0, 1] (mid-grey = 0)");
        grid.AddLegend("L: the cross-entropy of the true label; under each map: the model's prediction on the clean image (softmax probability)");
        return grid;
    }
}
