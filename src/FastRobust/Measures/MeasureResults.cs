using System.Globalization;
using FastRobust.Tables;

namespace FastRobust.Measures;

/// <summary>
/// One measured value: its name (e.g. "log_prod_of_spec_over_margin", "layer3.spec_op"), the group it belongs to
/// (performance, norms, sharpness), where it is defined (e.g. "Jiang et al. 2020 eq. 31"), and the options that
/// produced it as a JSON object, and for a value that comes from a search how the search ended (<see cref="SearchStatus"/>).
/// </summary>
public sealed record MeasureValue(string Name, double Value, string Group, string Reference, string Options, string? Status = null);

/// <summary>The values of one <see cref="MeasureSuite.Compute"/> call, in the order they were computed.</summary>
public sealed class MeasureResults
{
    private readonly List<MeasureValue> _values = new();
    private readonly Dictionary<string, int> _index = new();

    public IReadOnlyList<MeasureValue> Values => _values;

    /// <summary>Search traces and other details worth printing (not part of the table).</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Lines a caller must show: a search that did not converge, with its status.</summary>
    public List<string> Warnings { get; } = new();

    public int Count => _values.Count;

    public bool Contains(string name) => _index.ContainsKey(name);

    public double this[string name] => _values[_index.TryGetValue(name, out int i) ? i : throw new KeyNotFoundException($"no measure '{name}'")].Value;

    public bool TryGet(string name, out double value)
    {
        if (_index.TryGetValue(name, out int i)) { value = _values[i].Value; return true; }
        value = double.NaN;
        return false;
    }

    internal void Add(string name, double value, string group, string reference, string options)
    {
        if (_index.ContainsKey(name)) throw new InvalidOperationException($"measure '{name}' computed twice");
        _index[name] = _values.Count;
        _values.Add(new MeasureValue(name, value, group, reference, options));
    }

    /// <summary>Marks every value added from index <paramref name="from"/> on as coming from a search that ended so.</summary>
    internal void SetStatus(int from, string status)
    {
        for (int i = from; i < _values.Count; i++) _values[i] = _values[i] with { Status = status };
    }

    /// <summary>
    /// The tidy table "measures" of docs/study.md: one row per measure with columns measure, value (null when not
    /// finite), group, reference, options, status (null unless the value comes from a search); with <paramref name="model"/> a leading model column.
    /// </summary>
    public Table ToTable(string? model = null)
    {
        var t = new Table();
        if (model != null) t.Add("model", _values.Select(_ => (string?)model).ToArray());
        t.Add("measure", _values.Select(v => (string?)v.Name).ToArray());
        t.Add("value", _values.Select(v => double.IsFinite(v.Value) ? v.Value : (double?)null).ToArray());
        t.Add("group", _values.Select(v => (string?)v.Group).ToArray());
        t.Add("reference", _values.Select(v => (string?)v.Reference).ToArray());
        t.Add("options", _values.Select(v => (string?)v.Options).ToArray());
        t.Add("status", _values.Select(v => v.Status).ToArray());
        return t;
    }

    /// <summary>A plain-text table (measure, value, reference) for the console.</summary>
    public string Format()
    {
        int w = Math.Max(8, _values.Count == 0 ? 0 : _values.Max(v => v.Name.Length));
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"measure".PadRight(w)}  {"value",16}  reference");
        string group = "";
        foreach (var v in _values)
        {
            if (v.Group != group) { sb.AppendLine($"-- {v.Group}"); group = v.Group; }
            sb.AppendLine($"{v.Name.PadRight(w)}  {v.Value.ToString("G8", CultureInfo.InvariantCulture),16}  {v.Reference}");
        }
        return sb.ToString();
    }
}
