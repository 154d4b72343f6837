using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using FastRobust.Study;
using FastRobust.Tables;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Interop.Tests;

/// <summary>
/// The README's DuckDB query, extracted from the README itself and run verbatim against the tables of a tiny study:
/// if the README or the table schema drifts, this fails.
/// </summary>
public sealed class ReadmeDuckDbQueryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-duckdb-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string Tiny = """
        { "name": "quick", "dataset": "mnist", "train_images": 256, "test_images": 96, "attack_images": 32, "measure_images": 96,
          "training": { "epochs": 1, "batch": 64, "optimizer": "adam", "lr": 0.003 },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [3, 5, 7], "hidden": [8] } } ],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "fgsm", "eps": [0.1] } ],
          "measures": ["performance", "norms"] }
        """;

    private static string ReadmeQuery()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "README.md"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        var m = Regex.Match(File.ReadAllText(Path.Combine(dir!, "README.md")), "<!-- duckdb-query -->\\s*```sql\\s*(.*?)```", RegexOptions.Singleline);
        Assert.True(m.Success, "the README has a DuckDB query between <!-- duckdb-query --> markers");
        return m.Groups[1].Value.Trim();
    }

    [Fact]
    public void TheReadmeQueryRunsOnAStudysTables()
    {
        // the README queries runs/quick/...: run a tiny study into a runs/quick of our own and query from its parent
        string studyDir = Path.Combine(_dir, "runs", "quick");
        StudyRunner.Run(StudyFile.Parse(Tiny, "tiny"), "tiny", studyDir, Shard.All, false, Device.Cpu, new SilentStudyProgress());
        string query = ReadmeQuery().Replace("'runs/quick/", $"'{_dir}/runs/quick/");
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        int rows = 0;
        double previous = double.PositiveInfinity;
        while (reader.Read())
        {
            Assert.Equal("measure", reader.GetName(0));
            double tau = reader.GetDouble(reader.GetOrdinal("kendall_tau"));
            Assert.InRange(tau, -1, 1);
            Assert.True(Math.Abs(tau) <= previous + 1e-12, "ordered by |τ| descending");
            previous = Math.Abs(tau);
            rows++;
        }
        Assert.InRange(rows, 1, 10);
    }

    /// <summary>
    /// Each table, read by DuckDB, has the rows and the non-null values of a column that our own reader finds in it
    /// (DuckDB's count(column) skips nulls), and the row counts this study must give.
    /// </summary>
    [Fact]
    public void EveryTableOpensInDuckDbWithItsColumns()
    {
        string studyDir = Path.Combine(_dir, "runs", "quick");
        StudyRunner.Run(StudyFile.Parse(Tiny, "tiny"), "tiny", studyDir, Shard.All, false, Device.Cpu, new SilentStudyProgress());
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        // 3 models; 3 models × 2 conditions; correlations: as many rows as our reader finds
        foreach (var (table, column, rows) in new[] { ("models", "hp_width", 3), ("evaluations", "relative_accuracy_drop", 6), ("correlations", "granulated_kendall", -1) })
        {
            string path = Path.Combine(studyDir, table + ".parquet");
            var ours = Table.Read(path);
            long nonNull = ours.Column(column) switch
            {
                double?[] d => d.Count(v => v != null),
                string?[] t => t.Count(v => v != null),
                Array a => a.Length,
                _ => throw new InvalidOperationException($"{table}.{column}: no column"),
            };
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*), count({column}) FROM '{path}'";
            using var r = command.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal(ours.Rows, r.GetInt64(0));
            Assert.Equal(nonNull, r.GetInt64(1));
            if (rows >= 0) Assert.Equal(rows, ours.Rows);
            Assert.True(nonNull > 0, $"{table}.{column}: every value is null");
        }
    }
}
