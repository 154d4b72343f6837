using System.Globalization;

namespace FastRobust.Study;

/// <summary>
/// The type of each hyperparameter column of the models table, decided over the whole study so every unit writes the
/// same type: a key whose every value is a number becomes a float64 column (hp_lr, hp_depth, hp_width), any other
/// key stays a string column (hp_optimizer, hp_nesterov).
/// </summary>
public static class HyperparameterTypes
{
    /// <summary>Key → true when every unit's value for it is a finite number.</summary>
    public static IReadOnlyDictionary<string, bool> Of(IEnumerable<WorkUnit> units)
    {
        var numeric = new Dictionary<string, bool>();
        foreach (var u in units)
        foreach (var (k, v) in u.Hyperparameters)
            numeric[k] = numeric.GetValueOrDefault(k, true) && IsNumber(v);
        return numeric;
    }

    public static bool IsNumber(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d);
}
