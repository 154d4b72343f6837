namespace FastRobust.Imaging;

/// <summary>
/// A colour map: values in [<see cref="Low"/>, <see cref="High"/>] to RGB in [0, 1], linear between a few stops.
/// Values outside the range take the end colours. <see cref="Paint"/> turns a map of values into a 3-channel
/// CHW image that <see cref="LabelledGrid.Draw"/> takes.
/// </summary>
public sealed class ColourMap
{
    private readonly (float At, float R, float G, float B)[] _stops;

    private ColourMap(string name, (float At, float R, float G, float B)[] stops)
    {
        Name = name;
        _stops = stops;
    }

    /// <summary>Signed values in [−1, 1]: red for negative, white for 0, blue for positive (the MNIST gradients of Tsipras et al.).</summary>
    public static ColourMap RedWhiteBlue { get; } = new("red-white-blue",
    [
        (-1f, 0.70f, 0.05f, 0.10f), (-0.5f, 0.95f, 0.50f, 0.40f), (0f, 1f, 1f, 1f),
        (0.5f, 0.45f, 0.62f, 0.90f), (1f, 0.05f, 0.20f, 0.65f),
    ]);

    /// <summary>Signed values in [−1, 1]: black for −1, mid-grey for 0, white for +1 (amplified perturbations).</summary>
    public static ColourMap Grey { get; } = new("grey", [(-1f, 0f, 0f, 0f), (1f, 1f, 1f, 1f)]);

    /// <summary>Magnitudes in [0, 1]: black through purple, red and orange to pale yellow (like matplotlib's inferno).</summary>
    public static ColourMap Heat { get; } = new("heat",
    [
        (0f, 0f, 0f, 0.02f), (0.25f, 0.34f, 0.06f, 0.43f), (0.5f, 0.73f, 0.21f, 0.33f),
        (0.75f, 0.98f, 0.55f, 0.04f), (1f, 0.99f, 1f, 0.64f),
    ]);

    public string Name { get; }
    public float Low => _stops[0].At;
    public float High => _stops[^1].At;

    /// <summary>The colour of one value (clamped to the map's range; NaN takes the low end).</summary>
    public (float R, float G, float B) Colour(float value)
    {
        float v = float.IsNaN(value) ? Low : Math.Clamp(value, Low, High);
        for (int i = 1; i < _stops.Length; i++)
        {
            if (v > _stops[i].At) continue;
            var (a, b) = (_stops[i - 1], _stops[i]);
            float t = (v - a.At) / (b.At - a.At);
            return (a.R + t * (b.R - a.R), a.G + t * (b.G - a.G), a.B + t * (b.B - a.B));
        }
        return (_stops[^1].R, _stops[^1].G, _stops[^1].B);
    }

    /// <summary>A 3-channel CHW image of the values' colours (one pixel per value).</summary>
    public float[] Paint(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        var chw = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            var (r, g, b) = Colour(values[i]);
            (chw[i], chw[n + i], chw[2 * n + i]) = (r, g, b);
        }
        return chw;
    }
}
