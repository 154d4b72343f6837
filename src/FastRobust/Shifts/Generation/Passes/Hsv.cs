namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// RGB ↔ HSV exactly as skimage.color.rgb2hsv / hsv2rgb define them (make_cifar_c.py's brightness and saturate):
/// ties for the largest channel go to blue, then green, then red; hue is (h/6) mod 1 with Python's sign rule; a grey
/// pixel has hue and saturation 0.
/// </summary>
internal static class Hsv
{
    public static (double H, double S, double V) FromRgb(double r, double g, double b)
    {
        double v = Math.Max(r, Math.Max(g, b));
        double delta = v - Math.Min(r, Math.Min(g, b));
        if (delta == 0) return (0, 0, v);
        double s = delta / v;
        double h = b == v ? 4.0 + (r - g) / delta
            : g == v ? 2.0 + (b - r) / delta
            : (g - b) / delta;
        return (PythonMod1(h / 6.0), s, v);
    }

    public static (double R, double G, double B) ToRgb(double h, double s, double v)
    {
        double hi = Math.Floor(h * 6);
        double f = h * 6 - hi;
        double p = v * (1 - s);
        double q = v * (1 - f * s);
        double t = v * (1 - (1 - f) * s);
        return ((int)hi % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    /// <summary>x mod 1 with the result's sign taken from the divisor, as Python and NumPy compute it.</summary>
    private static double PythonMod1(double x)
    {
        double m = x % 1.0; // C#'s % is C's fmod: the dividend's sign
        if (m < 0) m += 1.0;
        return m == 0 ? 0.0 : m;
    }
}
