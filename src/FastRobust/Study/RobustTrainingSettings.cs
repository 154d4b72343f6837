using System.Globalization;
using FastRobust.Tables;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// The robust-training keys of a study's "training" block and "training_grid" (the train verb's options in
/// snake_case), their reading into <see cref="RobustOptions"/>, and the typed columns they give the models table.
/// A unit that sets none of them trains as before (its definition, and so its resume identity, is unchanged).
/// </summary>
public static class RobustTrainingSettings
{
    public static readonly string[] Keys =
        ["adversarial", "train_eps", "train_alpha", "train_steps", "train_norm", "trades_beta", "train_eps_warmup", "noise_sigma"];

    /// <summary>The resolved settings of a unit's training dictionary; bad values throw <see cref="InputException"/> naming the unit.</summary>
    public static RobustOptions Read(IReadOnlyDictionary<string, string> t, string where)
    {
        float? F(string k) => t.TryGetValue(k, out var v) ? (float)Number(v, k, where) : null;
        int? I(string k)
        {
            if (!t.TryGetValue(k, out var v)) return null;
            double d = Number(v, k, where);
            return d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (int)d : throw new InputException($"{where}: training '{k}' must be an integer, got '{v}'");
        }
        string norm = t.GetValueOrDefault("train_norm", "linf");
        if (norm is not ("linf" or "l2")) throw new InputException($"{where}: training 'train_norm' must be linf or l2, got '{norm}'");
        try
        {
            var o = new RobustOptions
            {
                Method = RobustOptions.ParseMethod(t.GetValueOrDefault("adversarial", "none")),
                Epsilon = F("train_eps"),
                Alpha = F("train_alpha"),
                Steps = I("train_steps"),
                L2 = norm == "l2",
                TradesBeta = F("trades_beta") ?? 6f,
                EpsWarmupEpochs = I("train_eps_warmup") ?? 0,
                NoiseSigma = F("noise_sigma") ?? 0f,
            };
            // a grid over ε that includes 0 means standard training at that point, as the tradeoff preset uses it
            if (o.Adversarial && o.Epsilon == 0f) o = new RobustOptions { NoiseSigma = o.NoiseSigma };
            return o.Resolve();
        }
        catch (InputException e)
        {
            throw new InputException($"{where}: {e.Message}");
        }
    }

    private static double Number(string v, string k, string where) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d : throw new InputException($"{where}: training '{k}' must be a number, got '{v}'");

    /// <summary>
    /// The models table's typed robust-training columns: adversarial (the method, null for a loaded model),
    /// train_norm, train_eps, train_alpha, train_steps (0 without an attack), trades_beta (trades only), noise_sigma,
    /// train_eps_warmup.
    /// </summary>
    public static void AddColumns(Table t, RobustOptions? o)
    {
        bool adv = o?.Adversarial == true;
        t.Add("adversarial", [o is null ? null : RobustOptions.MethodName(o.Method)])
            .Add("train_norm", [adv ? (o!.L2 ? "l2" : "linf") : null])
            .Add("train_eps", [o is null ? null : (double?)(o.Epsilon ?? 0f)])
            .Add("train_alpha", [adv ? (double?)o!.Alpha : null])
            .Add("train_steps", [adv ? (long)o!.Steps!.Value : 0L])
            .Add("trades_beta", [o?.Method == AdversarialMethod.Trades ? (double?)o.TradesBeta : null])
            .Add("noise_sigma", [o is null ? null : (double?)o.NoiseSigma])
            .Add("train_eps_warmup", [adv ? (long)o!.EpsWarmupEpochs : 0L]);
    }
}
