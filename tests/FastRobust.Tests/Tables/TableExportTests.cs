using System.Globalization;
using System.Text;
using System.Text.Json;
using FastRobust.Tables;
using Table = FastRobust.Tables.Table;
using FastRobust.Tests.Cli;
using FastRobust.Tests.StudyTests.Reporting;
using Xunit;

namespace FastRobust.Tests.Tables;

/// <summary>
/// Exports round-trip: CSV and JSON, read back by parsers written here (RFC 4180 and System.Text.Json), give the rows
/// of the Parquet file the table was read from, value for value and bit for bit.
/// </summary>
public sealed class TableExportTests : CliTestFolder
{
    /// <summary>Every type a study table uses, with the values that break naive writers.</summary>
    private static Table Awkward() => new Table()
        .Add("text", new string?[] { "plain", "a,b", "say \"hi\"", "two\nlines", " padded ", "", null, "ε σ τ ×", "x|y" })
        .Add("count", new long[] { 0, -1, long.MaxValue, long.MinValue, 42, 7, 8, 9, 10 })
        .Add("value", new double?[] { 0.1, 1.0 / 3, -0.0, 1e-300, double.NaN, double.PositiveInfinity, null, double.NegativeInfinity, 123456789.125 })
        .Add("flag", new[] { true, false, true, false, true, false, true, false, true });

    [Fact]
    public void CsvAndJsonRowsEqualTheParquetRows()
    {
        string parquet = P("awkward.parquet");
        Awkward().Write(parquet);
        var table = Table.Read(parquet);
        AssertCsvEquals(table, TableExport.Csv(table));
        AssertJsonEquals(table, TableExport.Json(table));
    }

    [Fact]
    public void ReportExportsEveryStudyTableInEachFormat()
    {
        string study = P("study");
        SyntheticStudy.Write(study);
        var r = CliHarness.Run("report", study, "--format", "csv,json", "--format", "markdown");
        Assert.True(r.Code == 0, r.Err);
        string tables = Path.Combine(study, "report", "tables");
        foreach (var name in new[] { "models", "evaluations", "measures", "correlations" })
        {
            var table = Table.Read(Path.Combine(study, name + ".parquet"));
            AssertCsvEquals(table, File.ReadAllText(Path.Combine(tables, name + ".csv")));
            AssertJsonEquals(table, File.ReadAllText(Path.Combine(tables, name + ".json")));
            // markdown: a header, a rule, one line per row
            Assert.Equal(table.Rows + 2, File.ReadAllLines(Path.Combine(tables, name + ".md")).Length);
        }
        foreach (var derived in new[] { "model_summary", "predictors" })
            foreach (var ext in new[] { ".csv", ".json", ".md" })
                Assert.True(File.Exists(Path.Combine(tables, derived + ext)), derived + ext);
        string page = File.ReadAllText(Path.Combine(study, "report", "index.html"));
        Assert.Contains("href=\"tables/models.csv\"", page);
    }

    [Fact]
    public void MarkdownEscapesPipesAndNewlines()
    {
        string md = TableExport.Markdown(Awkward());
        var lines = md.TrimEnd('\n').Split('\n');
        Assert.Equal(2 + 9, lines.Length);
        Assert.Equal("| text | count | value | flag |", lines[0]);
        Assert.Equal("|---|---:|---:|---|", lines[1]);
        Assert.Contains("| x\\|y |", lines[10]);
        Assert.StartsWith("| two lines |", lines[5]);
    }

    private static void AssertCsvEquals(Table table, string csv)
    {
        var records = ParseCsv(csv);
        Assert.Equal(table.ColumnNames, records[0].Select(f => f.Text));
        Assert.Equal(table.Rows, records.Count - 1);
        for (int r = 0; r < table.Rows; r++)
        for (int c = 0; c < table.ColumnNames.Count; c++)
        {
            var (text, quoted) = records[r + 1][c];
            string where = $"row {r}, column {table.ColumnNames[c]}";
            switch (table.Column(table.ColumnNames[c]))
            {
                case string?[] s:
                    Assert.True(s[r] == (text.Length == 0 && !quoted ? null : text), where);
                    break;
                case long[] l: Assert.Equal(l[r], long.Parse(text, CultureInfo.InvariantCulture)); break;
                case bool[] b: Assert.Equal(b[r] ? "true" : "false", text); break;
                case double?[] d:
                    double? back = text.Length == 0 ? null : text switch
                    {
                        "NaN" => double.NaN,
                        "inf" => double.PositiveInfinity,
                        "-inf" => double.NegativeInfinity,
                        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                    };
                    Assert.True(Same(d[r], back), $"{where}: {d[r]} came back as {back}");
                    break;
            }
        }
    }

    private static void AssertJsonEquals(Table table, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(table.Rows, rows.Count);
        for (int r = 0; r < table.Rows; r++)
        {
            Assert.Equal(table.ColumnNames, rows[r].EnumerateObject().Select(p => p.Name));
            foreach (var name in table.ColumnNames)
            {
                var v = rows[r].GetProperty(name);
                switch (table.Column(name))
                {
                    case string?[] s: Assert.Equal(s[r], v.ValueKind == JsonValueKind.Null ? null : v.GetString()); break;
                    case long[] l: Assert.Equal(l[r], v.GetInt64()); break;
                    case bool[] b: Assert.Equal(b[r], v.GetBoolean()); break;
                    case double?[] d:
                        // JSON has no NaN or infinity: those, like a null, are null
                        double? expected = d[r] is double x && double.IsFinite(x) ? x : null;
                        double? back = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble();
                        Assert.True(Same(expected, back), $"row {r}, column {name}: {d[r]} came back as {back}");
                        break;
                }
            }
        }
    }

    private static bool Same(double? a, double? b) =>
        a is null ? b is null : b is not null && BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value);

    /// <summary>RFC 4180 records: each field's text and whether it was quoted (a quoted empty field is an empty string, an unquoted one a null).</summary>
    private static List<List<(string Text, bool Quoted)>> ParseCsv(string csv)
    {
        var records = new List<List<(string, bool)>>();
        var record = new List<(string, bool)>();
        var field = new StringBuilder();
        bool quoted = false, inQuotes = false;
        for (int i = 0; i < csv.Length; i++)
        {
            char ch = csv[i];
            if (inQuotes)
            {
                if (ch != '"') field.Append(ch);
                else if (i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else inQuotes = false;
            }
            else if (ch == '"') { inQuotes = quoted = true; }
            else if (ch == ',') { record.Add((field.ToString(), quoted)); field.Clear(); quoted = false; }
            else if (ch == '\n')
            {
                record.Add((field.ToString(), quoted));
                records.Add(record);
                record = new List<(string, bool)>();
                field.Clear();
                quoted = false;
            }
            else field.Append(ch);
        }
        Assert.True(field.Length == 0 && record.Count == 0, "the CSV does not end with a newline");
        return records;
    }
}
