using ILGPU;

namespace FastRobust.Kernels;

/// <summary>The 4×4 block of C that one thread accumulates, as sixteen named registers (ILGPU keeps a by-value struct in registers).</summary>
public struct Tile4x4
{
    public float C00, C01, C02, C03, C10, C11, C12, C13, C20, C21, C22, C23, C30, C31, C32, C33;

    /// <summary>Element idx = 4i + j (a branch chain: used only in epilogues, 16 times per thread).</summary>
    public static float At(Tile4x4 t, int idx)
    {
        float v = 0f;
        if (idx == 0) v = t.C00;
        else if (idx == 1) v = t.C01;
        else if (idx == 2) v = t.C02;
        else if (idx == 3) v = t.C03;
        else if (idx == 4) v = t.C10;
        else if (idx == 5) v = t.C11;
        else if (idx == 6) v = t.C12;
        else if (idx == 7) v = t.C13;
        else if (idx == 8) v = t.C20;
        else if (idx == 9) v = t.C21;
        else if (idx == 10) v = t.C22;
        else if (idx == 11) v = t.C23;
        else if (idx == 12) v = t.C30;
        else if (idx == 13) v = t.C31;
        else if (idx == 14) v = t.C32;
        else if (idx == 15) v = t.C33;
        return v;
    }
}

/// <summary>
/// The shared core of the GEMM and implicit-GEMM convolution kernels: a 64×64 block of C per group of 256 threads,
/// K staged through shared memory in slices of 16 (As[k][m] and Bs[k][n], k-major so the inner loop reads rows),
/// each thread owning rows ty + 16i and columns tx + 16j (i, j &lt; 4) so that neighbouring threads read
/// neighbouring shared words and write neighbouring columns of C.
/// </summary>
public static class TileCore
{
    public const int BM = 64, BN = 64, BK = 16, Threads = 256;

    /// <summary>acc += As[:, rows]ᵀ·Bs[:, cols] over one K slice (the micro-kernel, unrolled by hand over the 4×4 tile).</summary>
    public static Tile4x4 MultiplySlice(Tile4x4 acc, ArrayView<float> As, ArrayView<float> Bs, int ty, int tx)
    {
        for (int kk = 0; kk < BK; kk++)
        {
            int ar = kk * BM + ty, br = kk * BN + tx;
            float a0 = As[ar], a1 = As[ar + 16], a2 = As[ar + 32], a3 = As[ar + 48];
            float b0 = Bs[br], b1 = Bs[br + 16], b2 = Bs[br + 32], b3 = Bs[br + 48];
            acc.C00 += a0 * b0;
            acc.C01 += a0 * b1;
            acc.C02 += a0 * b2;
            acc.C03 += a0 * b3;
            acc.C10 += a1 * b0;
            acc.C11 += a1 * b1;
            acc.C12 += a1 * b2;
            acc.C13 += a1 * b3;
            acc.C20 += a2 * b0;
            acc.C21 += a2 * b1;
            acc.C22 += a2 * b2;
            acc.C23 += a2 * b3;
            acc.C30 += a3 * b0;
            acc.C31 += a3 * b1;
            acc.C32 += a3 * b2;
            acc.C33 += a3 * b3;
        }
        return acc;
    }
}
