using FastRobust.Data;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class NpyTests
{
    private const string F4x23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    private static readonly float[] Six = [0f, 0.25f, 0.5f, 0.75f, 1f, 0.125f];

    private static string Write(TempDir dir, string name, byte[] bytes)
    {
        string path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsFloat32AsNumPyWritesIt(int version)
    {
        using var dir = new TempDir();
        string path = Write(dir, "a.npy", Fixtures.Npy(F4x23, Fixtures.Bytes(Six), version));
        var (data, shape) = Npy.ReadFloat32(path);
        Assert.Equal([2, 3], shape);
        Assert.Equal(Six, data);
    }

    [Fact]
    public void AcceptsAnyKeyOrderQuotingAndOneDimensionalTuples()
    {
        using var dir = new TempDir();
        string path = Write(dir, "a.npy", Fixtures.Npy("{\"shape\": (6,), \"fortran_order\": False, \"descr\": \"<f4\"}", Fixtures.Bytes(Six)));
        var (data, shape) = Npy.ReadFloat32(path);
        Assert.Equal([6], shape);
        Assert.Equal(Six, data);
    }

    [Fact]
    public void RoundTripsEveryWrittenType()
    {
        using var dir = new TempDir();
        var f = Enumerable.Range(0, 24).Select(i => i / 7f).ToArray();
        Npy.WriteFloat32(dir.File("f.npy"), f, [2, 3, 2, 2]);
        var (fd, fs) = Npy.ReadFloat32(dir.File("f.npy"));
        Assert.Equal(f, fd);
        Assert.Equal([2, 3, 2, 2], fs);

        byte[] u = [0, 1, 2, 255];
        Npy.WriteUInt8(dir.File("u.npy"), u, [4]);
        Assert.Equal(u, Npy.ReadUInt8(dir.File("u.npy")).Data);

        long[] l = [0, 1, long.MaxValue];
        Npy.WriteInt64(dir.File("l.npy"), l, [3]);
        Assert.Equal(l, Npy.ReadInt64(dir.File("l.npy")).Data);

        Npy.WriteLabels(dir.File("y.npy"), [3, 0, 9]);
        Assert.Equal("<i8", Npy.ReadHeader(dir.File("y.npy")).Descr);
        Assert.Equal([3, 0, 9], Npy.ReadLabels(dir.File("y.npy")));

        Npy.WriteInt32(dir.File("y32.npy"), [4, 5], [2]);
        Assert.Equal([4, 5], Npy.ReadLabels(dir.File("y32.npy")));

        Npy.WriteFloat32(dir.File("scalar.npy"), [2.5f], []);
        Assert.Equal((float[])[2.5f], Npy.ReadFloat32(dir.File("scalar.npy")).Data);
    }

    [Fact]
    public void WritesTheHeaderNumPyWrites()
    {
        using var dir = new TempDir();
        Npy.WriteFloat32(dir.File("a.npy"), Six, [2, 3]);
        Assert.Equal(Fixtures.Npy(F4x23, Fixtures.Bytes(Six)), File.ReadAllBytes(dir.File("a.npy")));
        Npy.WriteLabels(dir.File("y.npy"), [1, 2]);
        Assert.Equal(Fixtures.Npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", Fixtures.Bytes(new long[] { 1, 2 })),
            File.ReadAllBytes(dir.File("y.npy")));
    }

    [Fact]
    public void WritesAtomicallyOverAnExistingFile()
    {
        using var dir = new TempDir();
        string path = dir.File("a.npy");
        Npy.WriteFloat32(path, Six, [6]);
        Npy.WriteFloat32(path, [1f], [1]);
        Assert.Equal((float[])[1f], Npy.ReadFloat32(path).Data);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void RejectsAShapeThatDoesNotMatchTheData() =>
        Assert.Throws<ArgumentException>(() => Npy.WriteFloat32("unused.npy", Six, [4]));

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "bad magic", [0x93, .. "NUMPZ"u8, 1, 0, 0, 0], "bad magic" },
        { "text file", "hello world, not an array"u8.ToArray(), "not a .npy" },
        { "float64", Fixtures.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "unsupported dtype '<f8'" },
        { "big-endian", Fixtures.Npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24]), "big-endian" },
        { "structured", Fixtures.Npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]), "unsupported dtype" },
        { "fortran", Fixtures.Npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", Fixtures.Bytes(Six)), "fortran" },
        { "truncated data", Fixtures.Npy(F4x23, Fixtures.Bytes(Six))[..^3], "truncated" },
        { "extra data", Fixtures.Npy(F4x23, Fixtures.Bytes([.. Six, 1f])), "disagree" },
        { "truncated header", Fixtures.Npy(F4x23, Fixtures.Bytes(Six))[..40], "truncated" },
        { "version 4", [.. Fixtures.Npy(F4x23, Fixtures.Bytes(Six))[..6], 4, 0, .. Fixtures.Npy(F4x23, Fixtures.Bytes(Six))[8..]], "version 4" },
        { "bad syntax", Fixtures.Npy("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3), }", Fixtures.Bytes(Six)), "malformed" },
        { "missing shape", Fixtures.Npy("{'descr': '<f4', 'fortran_order': False, }", Fixtures.Bytes(Six)), "'shape'" },
        { "unknown key", Fixtures.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", Fixtures.Bytes(Six)), "unexpected key" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void RejectsMalformedFilesNamingThem(string name, byte[] bytes, string problem)
    {
        using var dir = new TempDir();
        string path = Write(dir, name.Replace(' ', '_') + ".npy", bytes);
        DataAssert.FailsNaming(path, problem, () => Npy.ReadFloat32(path));
    }

    [Fact]
    public void RejectsAMissingFile()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "absent.npy");
        DataAssert.FailsNaming(path, "not found", () => Npy.ReadFloat32(path));
    }

    [Fact]
    public void RejectsLabelsOfTheWrongTypeOrRank()
    {
        using var dir = new TempDir();
        string f = Write(dir, "float_labels.npy", Fixtures.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", Fixtures.Bytes(Six)));
        DataAssert.FailsNaming(f, "int64 or int32", () => Npy.ReadLabels(f));
        Npy.WriteInt64(dir.File("rank2.npy"), [1, 2], [2, 1]);
        DataAssert.FailsNaming("rank2.npy", "[N]", () => Npy.ReadLabels(dir.File("rank2.npy")));
        Npy.WriteInt64(dir.File("negative.npy"), [1, -1], [2]);
        DataAssert.FailsNaming("negative.npy", "negative", () => Npy.ReadLabels(dir.File("negative.npy")));
    }
}
