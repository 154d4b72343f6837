using System.Globalization;

namespace FastRobust.Study;

/// <summary>
/// A level of a study condition as written: a number, or a fraction "a/b" (ε is customarily given in 255ths of the
/// pixel range, "8/255"), kept as the float64 nearest to a / b so that a stored level equals 8.0 / 255 exactly.
/// </summary>
public static class LevelValue
{
    public static bool TryParse(string s, out double value)
    {
        value = double.NaN;
        int slash = s.IndexOf('/');
        if (slash < 0) return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        if (!double.TryParse(s[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            || !double.TryParse(s[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double b) || b <= 0 || !double.IsFinite(a))
            return false;
        value = a / b;
        return true;
    }

    /// <summary>ε in 255ths of the pixel range (for L∞ attacks, whose ε is customarily given so), rounded to 12 digits so 8/255 reads 8.</summary>
    public static double Eps255(double level) => Math.Round(level * 255, 12);
}
