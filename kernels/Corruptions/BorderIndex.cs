namespace FastRobust.Kernels;

/// <summary>
/// src/FastRobust/Shifts/Generation/Passes/Border.Index as kernel code: the index inside [0, n) that position i reads outside an
/// image, under the three conventions of the libraries make_cifar_c.py calls.
/// </summary>
public static class BorderIndex
{
    public const int Nearest = 0, Reflect = 1, Reflect101 = 2;

    public static int Of(int i, int n, int mode) => mode == Nearest ? OfNearest(i, n) : mode == Reflect ? OfReflect(i, n) : OfReflect101(i, n);

    /// <summary>Repeat the edge (scipy/skimage 'nearest').</summary>
    public static int OfNearest(int i, int n) => i < 0 ? 0 : i >= n ? n - 1 : i;

    /// <summary>Mirror including the edge, d c b a | a b c d (scipy 'reflect'), any distance outside.</summary>
    public static int OfReflect(int i, int n)
    {
        if ((uint)i < (uint)n) return i;
        if (n == 1) return 0;
        int period = 2 * n, j = ((i % period) + period) % period;
        return j < n ? j : period - 1 - j;
    }

    /// <summary>Mirror about the edge, d c b | a b c d (OpenCV's BORDER_REFLECT_101), any distance outside.</summary>
    public static int OfReflect101(int i, int n)
    {
        if ((uint)i < (uint)n) return i;
        if (n == 1) return 0;
        int period = 2 * n - 2, j = ((i % period) + period) % period;
        return j < n ? j : period - j;
    }
}
