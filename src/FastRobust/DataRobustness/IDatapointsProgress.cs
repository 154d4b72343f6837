using FastRobust.Training;

namespace FastRobust.DataRobustness;

/// <summary>What the datapoints pipeline reports as it goes: lines, and bars around its two long kinds of work.</summary>
public interface IDatapointsProgress
{
    void Line(string text);

    /// <summary>Runs a training run, handing it a per-epoch progress sink.</summary>
    List<EpochResult> Train(string what, int epochs, Func<ITrainProgress?, List<EpochResult>> body);

    /// <summary>Runs the random scheme, handing it a callback of (images finished, images to perturb).</summary>
    SchemeOutcome Scheme(string what, Func<Action<int, int>?, SchemeOutcome> body);
}

/// <summary>Plain lines only (tests, logs).</summary>
public sealed class PlainDatapointsProgress(TextWriter output) : IDatapointsProgress
{
    public void Line(string text) => output.WriteLine(text);

    public List<EpochResult> Train(string what, int epochs, Func<ITrainProgress?, List<EpochResult>> body) => body(null);

    public SchemeOutcome Scheme(string what, Func<Action<int, int>?, SchemeOutcome> body) => body(null);
}
