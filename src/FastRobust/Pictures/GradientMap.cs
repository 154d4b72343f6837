using FastRobust.Imaging;
using FastRobust.Nn;
using FastRobust.Training;

namespace FastRobust.Pictures;

/// <summary>
/// The loss gradient with respect to the input pixels, ∂CE(f(x), y)/∂x, and how Tsipras et al. (2019, Fig. 2) draw
/// it: one-channel images in red (negative), white (0) and blue (positive), scaled by the map's own largest |∂L/∂x|;
/// colour images clipped to ±3 standard deviations of the map's values and rescaled to [0, 1], so 0 is mid-grey.
/// </summary>
public static class GradientMap
{
    /// <summary>∂CE(f(xᵢ), yᵢ)/∂xᵢ for every image, in eval mode (each image's gradient is its own).</summary>
    public static float[] LossGradients(Model model, float[] images, int[] labels, int batch = 128) =>
        BatchedInference.LossInputGradient(model, images, labels, batch);

    /// <summary>The picture of one gradient map (CHW, 1 or 3 channels) as a 3-channel CHW image in [0, 1].</summary>
    public static float[] Render(ReadOnlySpan<float> gradient, int channels)
    {
        if (channels == 1)
        {
            float max = 0;
            foreach (float g in gradient) max = Math.Max(max, Math.Abs(g));
            var scaled = new float[gradient.Length];
            if (max > 0) for (int i = 0; i < scaled.Length; i++) scaled[i] = gradient[i] / max;
            return ColourMap.RedWhiteBlue.Paint(scaled);
        }
        double mean = 0, square = 0;
        foreach (float g in gradient) mean += g;
        mean /= gradient.Length;
        foreach (float g in gradient) square += (g - mean) * (g - mean);
        double limit = 3 * Math.Sqrt(square / gradient.Length);
        var rgb = new float[gradient.Length];
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = limit > 0 ? (float)(0.5 + Math.Clamp(gradient[i], -limit, limit) / (2 * limit)) : 0.5f;
        return rgb;
    }
}
