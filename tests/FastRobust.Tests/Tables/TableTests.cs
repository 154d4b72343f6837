using FastRobust.Tables;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.Tables;

public sealed class TableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-table-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void RoundTripsEveryColumnType()
    {
        var t = new Table()
            .Add("model", ["a", null, "c"])
            .Add("step", [1L, 2L, 3L])
            .Add("value", [0.5, null, double.NaN])
            .Add("ok", [true, false, true]);
        string path = Path.Combine(_dir, "t.parquet");
        t.Write(path);
        var back = Table.Read(path);
        Assert.Equal(new[] { "model", "step", "value", "ok" }, back.ColumnNames);
        Assert.Equal(new string?[] { "a", null, "c" }, (string?[])back.Column("model"));
        Assert.Equal(new[] { 1L, 2L, 3L }, (long[])back.Column("step"));
        var v = (double?[])back.Column("value");
        Assert.Equal(0.5, v[0]);
        Assert.Null(v[1]);
        Assert.True(double.IsNaN(v[2]!.Value));
        Assert.Equal(new[] { true, false, true }, (bool[])back.Column("ok"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void RaggedColumnsAreRejected()
    {
        var t = new Table().Add("a", [1L, 2L]);
        Assert.Throws<ArgumentException>(() => t.Add("b", [1.0]));
        Assert.Throws<ArgumentException>(() => t.Add("a", [3L, 4L]));
    }

    [Fact]
    public void GarbageFileIsAnInputError()
    {
        string path = Path.Combine(_dir, "bad.parquet");
        File.WriteAllText(path, "not parquet at all");
        var e = Assert.Throws<InputException>(() => Table.Read(path));
        Assert.Contains("bad.parquet", e.Message);
    }
}
