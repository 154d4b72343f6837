namespace FastRobust.Shifts.Generation.Passes;

/// <summary>How a pass reads outside the image. The three conventions of the libraries make_cifar_c.py calls.</summary>
internal enum BorderMode
{
    /// <summary>Repeat the edge pixel: scipy/skimage 'nearest', ImageMagick's default 'edge' virtual pixels.</summary>
    Nearest,

    /// <summary>Mirror including the edge pixel (d c b a | a b c d): scipy 'reflect'.</summary>
    Reflect,

    /// <summary>Mirror about the edge pixel (d c b | a b c d): OpenCV's default BORDER_REFLECT_101.</summary>
    Reflect101,
}

internal static class Border
{
    /// <summary>The index inside [0, n) that position <paramref name="i"/> reads under <paramref name="mode"/>.</summary>
    public static int Index(int i, int n, BorderMode mode)
    {
        if ((uint)i < (uint)n) return i;
        if (n == 1) return 0;
        switch (mode)
        {
            case BorderMode.Nearest:
                return i < 0 ? 0 : n - 1;
            case BorderMode.Reflect:
            {
                int period = 2 * n;
                int j = ((i % period) + period) % period;
                return j < n ? j : period - 1 - j;
            }
            default:
            {
                int period = 2 * n - 2;
                int j = ((i % period) + period) % period;
                return j < n ? j : period - j;
            }
        }
    }
}
