using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastRobust.Util;

namespace FastRobust.Tables;

/// <summary>The formats a table can be exported to for tools that do not read Parquet.</summary>
public enum ExportFormat { Csv, Json, Markdown }

/// <summary>
/// A <see cref="Table"/> as CSV, JSON or a Markdown table, for pandas, spreadsheets and READMEs without a Parquet reader.
/// CSV (RFC 4180): a header row, a null as an empty field, an empty string as <c>""</c>, doubles in their shortest
/// round-trip form with <c>NaN</c>, <c>inf</c> and <c>-inf</c> (what pandas' <c>read_csv</c> reads back), booleans
/// <c>true</c>/<c>false</c>. JSON: an array of row objects (pandas' <c>orient="records"</c>), doubles in shortest
/// round-trip form with ".0" on integral values (so they read back as floats, -0.0 included), NaN and infinities as null (JSON has no such numbers). Markdown: a pipe table, numbers to six
/// significant digits, for reading rather than round trips.
/// </summary>
public static class TableExport
{
    public static string Extension(ExportFormat f) => f switch
    {
        ExportFormat.Csv => ".csv",
        ExportFormat.Json => ".json",
        _ => ".md",
    };

    public static ExportFormat Parse(string text, string option) => text.Trim().ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "json" => ExportFormat.Json,
        "markdown" or "md" => ExportFormat.Markdown,
        _ => throw new InputException($"{option} {text}: unknown format (csv, json or markdown)"),
    };

    /// <summary>Writes the table in the format, atomically.</summary>
    public static void Write(Table table, string path, ExportFormat format) => AtomicFile.WriteAllText(path, Format(table, format));

    public static string Format(Table table, ExportFormat format) => format switch
    {
        ExportFormat.Csv => Csv(table),
        ExportFormat.Json => Json(table),
        _ => Markdown(table),
    };

    public static string Csv(Table table)
    {
        var b = new StringBuilder();
        var names = table.ColumnNames;
        b.AppendJoin(',', names.Select(CsvQuote)).Append('\n');
        for (int r = 0; r < Math.Max(table.Rows, 0); r++)
        {
            for (int c = 0; c < names.Count; c++)
            {
                if (c > 0) b.Append(',');
                b.Append(table.Column(names[c]) switch
                {
                    string?[] s => s[r] is null ? "" : s[r]!.Length == 0 ? "\"\"" : CsvQuote(s[r]!),
                    long[] l => l[r].ToString(CultureInfo.InvariantCulture),
                    bool[] v => v[r] ? "true" : "false",
                    double?[] d => d[r] is double x ? CsvDouble(x) : "",
                    _ => throw new ArgumentException($"column '{names[c]}' has an unexported type"),
                });
            }
            b.Append('\n');
        }
        return b.ToString();
    }

    private static string CsvDouble(double x) =>
        double.IsNaN(x) ? "NaN" : double.IsPositiveInfinity(x) ? "inf" : double.IsNegativeInfinity(x) ? "-inf" : x.ToString("R", CultureInfo.InvariantCulture);

    private static string CsvQuote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || s.Trim().Length != s.Length ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public static string Json(Table table)
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var w = new Utf8JsonWriter(stream, options))
        {
            var names = table.ColumnNames;
            w.WriteStartArray();
            for (int r = 0; r < Math.Max(table.Rows, 0); r++)
            {
                w.WriteStartObject();
                foreach (var name in names)
                {
                    w.WritePropertyName(name);
                    switch (table.Column(name))
                    {
                        case string?[] s: if (s[r] is null) w.WriteNullValue(); else w.WriteStringValue(s[r]); break;
                        case long[] l: w.WriteNumberValue(l[r]); break;
                        case bool[] v: w.WriteBooleanValue(v[r]); break;
                        case double?[] d: if (d[r] is double x && double.IsFinite(x)) w.WriteRawValue(JsonDouble(x)); else w.WriteNullValue(); break;
                    }
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    // shortest round-trip form, with ".0" on integral values so that a reader (Python's json, pandas) keeps a float
    // column float and -0.0 negative: a bare "-0" or "1" reads back as an integer
    private static string JsonDouble(double x)
    {
        string t = x.ToString("R", CultureInfo.InvariantCulture);
        return t.IndexOfAny(['.', 'E', 'e']) >= 0 ? t : t + ".0";
    }

    public static string Markdown(Table table)
    {
        var names = table.ColumnNames;
        var b = new StringBuilder();
        b.Append('|').AppendJoin('|', names.Select(n => " " + MdEscape(n) + " ")).Append("|\n|");
        foreach (var n in names) b.Append(table.Column(n) is string?[] or bool[] ? "---|" : "---:|");
        b.Append('\n');
        for (int r = 0; r < Math.Max(table.Rows, 0); r++)
        {
            b.Append('|');
            foreach (var n in names)
            {
                string cell = table.Column(n) switch
                {
                    string?[] s => MdEscape(s[r] ?? ""),
                    long[] l => l[r].ToString(CultureInfo.InvariantCulture),
                    bool[] v => v[r] ? "true" : "false",
                    double?[] d => d[r] is double x ? x.ToString("G6", CultureInfo.InvariantCulture) : "",
                    _ => "",
                };
                b.Append(' ').Append(cell).Append(" |");
            }
            b.Append('\n');
        }
        return b.ToString();
    }

    private static string MdEscape(string s) => s.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
