using Parquet;
using Parquet.Schema;
using FastRobust.Util;

namespace FastRobust.Tables;

/// <summary>
/// A tidy table built column by column (string, long, double, bool; doubles and strings may be null), written
/// to Parquet atomically (temporary file + rename) and read back. Every table of a study goes through here, so
/// pandas, DuckDB and Spark see one consistent encoding.
/// </summary>
public sealed class Table
{
    private readonly List<(string Name, Type Type, Array Values)> _columns = new();

    public int Rows { get; private set; } = -1;

    public static Table Empty => new() { Rows = 0 };

    public IReadOnlyList<string> ColumnNames => _columns.Select(c => c.Name).ToList();

    public Table Add(string name, string?[] values) => AddColumn(name, typeof(string), values);
    public Table Add(string name, long[] values) => AddColumn(name, typeof(long), values);
    public Table Add(string name, double?[] values) => AddColumn(name, typeof(double?), values);
    public Table Add(string name, double[] values) => AddColumn(name, typeof(double?), values.Select(v => (double?)v).ToArray());
    public Table Add(string name, bool[] values) => AddColumn(name, typeof(bool), values);

    private Table AddColumn(string name, Type type, Array values)
    {
        if (_columns.Any(c => c.Name == name)) throw new ArgumentException($"column '{name}' added twice");
        if (Rows >= 0 && values.Length != Rows) throw new ArgumentException($"column '{name}' has {values.Length} rows, the table {Rows}");
        Rows = values.Length;
        _columns.Add((name, type, values));
        return this;
    }

    public Array Column(string name) => _columns.First(c => c.Name == name).Values;

    /// <summary>Writes the table as one row group; the file appears complete or not at all.</summary>
    public void Write(string path)
    {
        var fields = _columns.Select(c => c.Type == typeof(string) ? new DataField(c.Name, typeof(string), isNullable: true)
            : c.Type == typeof(long) ? new DataField(c.Name, typeof(long), isNullable: false)
            : c.Type == typeof(bool) ? new DataField(c.Name, typeof(bool), isNullable: false)
            : new DataField(c.Name, typeof(double), isNullable: true)).ToArray();
        var schema = new ParquetSchema(fields);
        AtomicFile.Write(path, stream => WriteAsync(schema, fields, stream).GetAwaiter().GetResult());
    }

    private async Task WriteAsync(ParquetSchema schema, DataField[] fields, Stream stream)
    {
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        for (int i = 0; i < fields.Length; i++)
        {
            switch (_columns[i].Values)
            {
                case string?[] s: await group.WriteAsync(fields[i], s!); break;
                case long[] l: await group.WriteAsync<long>(fields[i], l.AsMemory()); break;
                case bool[] b: await group.WriteAsync<bool>(fields[i], b.AsMemory()); break;
                case double?[] d: await group.WriteAsync<double>(fields[i], d.AsMemory()); break;
            }
        }
    }

    /// <summary>Reads a table written by <see cref="Write"/> (all row groups concatenated).</summary>
    public static Table Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: table not found");
        try { return ReadAsync(path).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new InputException($"{path}: not a readable Parquet table ({e.Message})");
        }
    }

    private static async Task<Table> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        var parts = fields.Select(_ => new List<Array>()).ToArray();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            for (int i = 0; i < fields.Length; i++)
            {
                var f = fields[i];
                if (IsString(f)) { var a = new string?[n]; await group.ReadAsync(f, a.AsMemory()); parts[i].Add(a); }
                else if (f.ClrType == typeof(long)) { var a = new long[n]; await group.ReadAsync<long>(f, a.AsMemory()); parts[i].Add(a); }
                else if (f.ClrType == typeof(bool)) { var a = new bool[n]; await group.ReadAsync<bool>(f, a.AsMemory()); parts[i].Add(a); }
                else if (f.ClrType == typeof(double)) { var a = new double?[n]; await group.ReadAsync<double>(f, a.AsMemory()); parts[i].Add(a); }
                else throw new InvalidDataException($"column '{f.Name}' has type {f.ClrType.Name}, which FastRobust tables do not use");
            }
        }
        var table = new Table();
        for (int i = 0; i < fields.Length; i++)
        {
            var all = parts[i];
            var f = fields[i];
            if (IsString(f)) table.Add(f.Name, all.SelectMany(a => (string?[])a).ToArray());
            else if (f.ClrType == typeof(long)) table.Add(f.Name, all.SelectMany(a => (long[])a).ToArray());
            else if (f.ClrType == typeof(bool)) table.Add(f.Name, all.SelectMany(a => (bool[])a).ToArray());
            else table.Add(f.Name, all.SelectMany(a => (double?[])a).ToArray());
        }
        return table;
    }

    /// <summary>Parquet.Net 6 reports string columns as ReadOnlyMemory&lt;char&gt;.</summary>
    private static bool IsString(DataField f) => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>
    /// Rows of several tables one after another. Columns are matched by name; a string or double column missing
    /// from some tables is filled with nulls there (the hyperparameter columns of a study differ between families);
    /// long and bool columns must be in every table.
    /// </summary>
    public static Table Concat(IReadOnlyList<Table> parts)
    {
        var result = new Table();
        var names = new List<string>();
        foreach (var p in parts)
            foreach (var n in p.ColumnNames)
                if (!names.Contains(n)) names.Add(n);
        foreach (var name in names)
        {
            var type = parts.Select(p => p._columns.FirstOrDefault(c => c.Name == name).Type).First(t => t != null)!;
            if (type == typeof(string))
                result.Add(name, parts.SelectMany(p => p.Has(name) ? (string?[])p.Column(name) : new string?[Math.Max(p.Rows, 0)]).ToArray());
            else if (type == typeof(double?))
                result.Add(name, parts.SelectMany(p => p.Has(name) ? (double?[])p.Column(name) : new double?[Math.Max(p.Rows, 0)]).ToArray());
            else if (type == typeof(long))
                result.Add(name, parts.SelectMany(p => p.Has(name) ? (long[])p.Column(name) : throw new ArgumentException($"column '{name}' missing from a part")).ToArray());
            else
                result.Add(name, parts.SelectMany(p => p.Has(name) ? (bool[])p.Column(name) : throw new ArgumentException($"column '{name}' missing from a part")).ToArray());
        }
        if (names.Count == 0) result.Rows = 0;
        return result;
    }

    public bool Has(string name) => _columns.Any(c => c.Name == name);

    /// <summary>Column values as doubles (long and bool converted, nulls as NaN) for statistics.</summary>
    public double[] Doubles(string name) => Column(name) switch
    {
        double?[] d => d.Select(v => v ?? double.NaN).ToArray(),
        long[] l => l.Select(v => (double)v).ToArray(),
        bool[] b => b.Select(v => v ? 1.0 : 0.0).ToArray(),
        _ => throw new ArgumentException($"column '{name}' is not numeric"),
    };

    public string?[] Strings(string name) => (string?[])Column(name);

    /// <summary>Any column as invariant text (numbers round-trip, null stays null): for grouping by a column's values.</summary>
    public string?[] Texts(string name) => Column(name) switch
    {
        string?[] s => s,
        double?[] d => d.Select(v => v?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        long[] l => l.Select(v => (string?)v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        bool[] b => b.Select(v => (string?)(v ? "true" : "false")).ToArray(),
        _ => throw new ArgumentException($"column '{name}' has an unknown type"),
    };
}
