using FastRobust.Data;

namespace FastRobust.Tests.Shifts;

/// <summary>The committed outputs of shift_make_fixtures.py (make_cifar_c.py's operations on two CIFAR-10 test images).</summary>
internal static class ShiftFixtures
{
    public const ulong Seed = 20190301;

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static readonly Lazy<(byte[] Data, int[] Shape)> ImagesLazy = new(() => Npy.ReadUInt8(Path("shift_images.npy")));
    private static readonly Lazy<(byte[] Data, int[] Shape)> ReferenceLazy = new(() => Npy.ReadUInt8(Path("shift_reference.npy")));

    /// <summary>The first n of the 48 clean images, CHW bytes.</summary>
    public static byte[] Images(int n) => ImagesLazy.Value.Data.AsSpan(0, n * 3072).ToArray();

    /// <summary>Clean image i (0 and 1 have reference outputs), CHW bytes.</summary>
    public static byte[] Image(int i) => ImagesLazy.Value.Data.AsSpan(i * 3072, 3072).ToArray();

    /// <summary>make_cifar_c.py's np.uint8 output for corruption c (index in Corruptions.All), severity s, image i, CHW.</summary>
    public static byte[] Reference(int c, int s, int i) => ReferenceLazy.Value.Data.AsSpan(((c * 5 + (s - 1)) * 2 + i) * 3072, 3072).ToArray();
}
