namespace FastRobust.Pictures;

/// <summary>Points on the segment from an image x to its adversarial example x_adv: x + t·(x_adv − x).</summary>
public static class Interpolation
{
    /// <summary>
    /// x + t·(x_adv − x), computed as (1 − t)·x + t·x_adv so that t = 0 gives x and t = 1 gives x_adv bit for bit.
    /// </summary>
    public static float[] At(ReadOnlySpan<float> x, ReadOnlySpan<float> adversarial, float t)
    {
        if (x.Length != adversarial.Length) throw new ArgumentException("x and x_adv differ in size");
        var point = new float[x.Length];
        float s = 1 - t;
        for (int i = 0; i < point.Length; i++) point[i] = s * x[i] + t * adversarial[i];
        return point;
    }
}
