using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// Single-precision GEMM in the BLIS layout: C = alpha·op(A)·op(B) + beta·C, row-major.
/// Blocks of B (KC×NC) and A (MC×KC) are packed into micro-panels so the micro-kernel reads both operands
/// contiguously; the micro-kernel keeps an MR×NR tile of C in registers (8×32 with AVX-512: 16 zmm
/// accumulators; 4×16 with 256-bit vectors elsewhere). Edge tiles go through a small scratch tile.
/// Block sizes: a KC×NR panel of B (32 KiB) lives in L1, the MC×KC block of A in L2.
/// </summary>
internal static unsafe class CpuGemm
{
    public const int KC = 256;
    public const int MC = 96;
    public const int NC = 2048;

    public static readonly bool Wide = Vector512.IsHardwareAccelerated;
    public static readonly int MR = Wide ? 8 : 4;
    public static readonly int NR = Wide ? 32 : 16;

    [ThreadStatic] private static nint _packA, _packB, _tile;
    [ThreadStatic] private static long _packACap, _packBCap, _tileCap;

    private static float* Scratch(ref nint block, ref long capacity, long floats)
    {
        if (capacity < floats)
        {
            if (block != 0) NativeMemory.AlignedFree((void*)block);
            block = (nint)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            capacity = floats;
        }
        return (float*)block;
    }

    /// <summary>
    /// C[m, n] (leading dimension ldc) = alpha·op(A)·op(B) + beta·C. When beta is 0, C is not read (it may hold garbage).
    /// With <paramref name="parallel"/> the columns of C are split across the backend's cores.
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool parallel = false)
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        int chunks = parallel ? CpuParallel.Chunks((n + NR - 1) / NR, (long)m * k * NR, 1 << 20) : 1;
        if (chunks <= 1)
        {
            SgemmSerial(transA, transB, m, 0, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        int panels = (n + NR - 1) / NR;
        CpuParallel.For(panels, chunks, (_, s, e) =>
        {
            int j0 = (int)s * NR, j1 = Math.Min(n, (int)e * NR);
            SgemmSerial(transA, transB, m, j0, j1, k, alpha, (float*)pa, lda, (float*)pb, ldb, beta, (float*)pc, ldc);
        });
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    /// <summary>Computes columns [j0, j1) of C on the calling thread.</summary>
    private static void SgemmSerial(bool transA, bool transB, int m, int j0, int j1, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        int mr = MR, nr = NR;
        float* bp = Scratch(ref _packB, ref _packBCap, (long)KC * (NC + nr));
        float* ap = Scratch(ref _packA, ref _packACap, (long)KC * (MC + mr));
        float* tile = Scratch(ref _tile, ref _tileCap, mr * nr);

        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                PackB(transB, b, ldb, pc, kc, jc, nc, bp, nr);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    PackA(transA, a, lda, ic, mc, pc, kc, ap, mr);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrHere = Math.Min(nr, nc - jr);
                        float* bPanel = bp + (long)(jr / nr) * kc * nr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrHere = Math.Min(mr, mc - ir);
                            float* aPanel = ap + (long)(ir / mr) * kc * mr;
                            float* cTile = c + (long)(ic + ir) * ldc + jc + jr;
                            Tile(kc, aPanel, bPanel, cTile, ldc, mrHere, nrHere, alpha, betaHere, tile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>One MR×NR tile of C; edge tiles go through the scratch tile so the micro-kernel never writes out of bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int kc, float* aPanel, float* bPanel, float* cTile, int ldc, int rows, int cols, float alpha, float beta, float* tile)
    {
        int nr = NR;
        if (rows == MR && cols == nr)
        {
            Micro(kc, aPanel, bPanel, cTile, ldc, alpha, beta);
            return;
        }
        Micro(kc, aPanel, bPanel, tile, nr, alpha, 0f);
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            float* dst = cTile + (long)i * ldc + j;
            *dst = beta == 0f ? tile[i * nr + j] : tile[i * nr + j] + beta * *dst;
        }
    }

    // ---- prepacked operands ----
    // Convolution packs its weights once per call and writes its im2col columns straight into the packed
    // layout of B, so the per-image GEMMs run the micro-kernel only (with small M, packing B separately
    // cost as much as the multiply).

    public static int RoundUp(int x, int r) => (x + r - 1) / r * r;

    /// <summary>Floats needed by <see cref="PackAFull"/>: K rows of MR-padded M.</summary>
    public static long PackedASize(int m, int k) => (long)k * RoundUp(m, MR);

    /// <summary>Floats needed by a packed B: K rows of NR-padded N.</summary>
    public static long PackedBSize(int k, int n) => (long)k * RoundUp(n, NR);

    /// <summary>Where element (p, j) of op(B) [k, n] lives in the packed layout: KC blocks of NR-wide panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long PackedBOffset(int p, int j, int k, int nPadded)
    {
        int pc = p / KC * KC, kc = Math.Min(KC, k - pc);
        return (long)pc * nPadded + (long)(j / NR) * kc * NR + (long)(p - pc) * NR + (j % NR);
    }

    /// <summary>Packs all of op(A) [m, k] (every KC block) for <see cref="SgemmPrepacked"/>.</summary>
    public static void PackAFull(bool transA, int m, int k, float* a, int lda, float* dst)
    {
        int mPad = RoundUp(m, MR);
        for (int pc = 0; pc < k; pc += KC)
            PackA(transA, a, lda, 0, m, pc, Math.Min(KC, k - pc), dst + (long)pc * mPad, MR);
    }

    /// <summary>Packs all of op(B) [k, n] for <see cref="SgemmPrepacked"/>.</summary>
    public static void PackBFull(bool transB, int k, int n, float* b, int ldb, float* dst)
    {
        int nPad = RoundUp(n, NR);
        for (int pc = 0; pc < k; pc += KC)
            PackB(transB, b, ldb, pc, Math.Min(KC, k - pc), 0, n, dst + (long)pc * nPad, NR);
    }

    /// <summary>C = alpha·A·B + beta·C from operands packed by <see cref="PackAFull"/> and <see cref="PackBFull"/> (or written in that layout).</summary>
    public static void SgemmPrepacked(int m, int n, int k, float alpha, float* packedA, float* packedB, float beta, float* c, int ldc)
    {
        if (k <= 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        int mr = MR, nr = NR, mPad = RoundUp(m, mr), nPad = RoundUp(n, nr);
        float* tile = Scratch(ref _tile, ref _tileCap, mr * nr);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            float betaHere = pc == 0 ? beta : 1f;
            float* ap = packedA + (long)pc * mPad, bp = packedB + (long)pc * nPad;
            for (int jr = 0; jr < n; jr += nr)
            {
                float* bPanel = bp + (long)(jr / nr) * kc * nr;
                for (int ir = 0; ir < m; ir += mr)
                    Tile(kc, ap + (long)(ir / mr) * kc * mr, bPanel, c + (long)ir * ldc + jr, ldc,
                        Math.Min(mr, m - ir), Math.Min(nr, n - jr), alpha, betaHere, tile);
            }
        }
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels, row p of a panel contiguous, zero-padded.</summary>
    private static void PackB(bool transB, float* b, int ldb, int pc, int kc, int jc, int nc, float* dst, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int w = Math.Min(nr, nc - jr);
            float* panel = dst + (long)(jr / nr) * kc * nr;
            if (!transB)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(pc + p) * ldb + jc + jr;
                    float* row = panel + p * nr;
                    if (w == nr) CpuCopy.Small(src, row, nr);
                    else
                    {
                        for (int j = 0; j < w; j++) row[j] = src[j];
                        for (int j = w; j < nr; j++) row[j] = 0f;
                    }
                }
            }
            else
            {
                // column j of the panel is row jc+jr+j of B: transpose 8×8 blocks
                int j8 = w / 8 * 8, p8 = kc / 8 * 8;
                for (int j = 0; j < j8; j += 8)
                {
                    float* src = b + (long)(jc + jr + j) * ldb + pc;
                    for (int p = 0; p < p8; p += 8) CpuCopy.Transpose8x8(src + p, ldb, panel + p * nr + j, nr);
                    for (int jj = j; jj < j + 8; jj++)
                        for (int p = p8; p < kc; p++) panel[p * nr + jj] = b[(long)(jc + jr + jj) * ldb + pc + p];
                }
                for (int j = j8; j < w; j++)
                {
                    float* src = b + (long)(jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = src[p];
                }
                for (int j = w; j < nr; j++)
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = 0f;
            }
        }
    }

    /// <summary>Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-tall panels, column p of a panel contiguous, zero-padded.</summary>
    private static void PackA(bool transA, float* a, int lda, int ic, int mc, int pc, int kc, float* dst, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int h = Math.Min(mr, mc - ir);
            float* panel = dst + (long)(ir / mr) * kc * mr;
            if (!transA)
            {
                if (h == 8 && mr == 8)
                {
                    // an 8-row panel is an 8×kc → kc×8 transpose
                    float* src = a + (long)(ic + ir) * lda + pc;
                    int p8 = kc / 8 * 8;
                    for (int p = 0; p < p8; p += 8) CpuCopy.Transpose8x8(src + p, lda, panel + p * 8, 8);
                    for (int i = 0; i < 8; i++)
                        for (int p = p8; p < kc; p++) panel[p * 8 + i] = src[(long)i * lda + p];
                    continue;
                }
                for (int i = 0; i < h; i++)
                {
                    float* src = a + (long)(ic + ir + i) * lda + pc;
                    for (int p = 0; p < kc; p++) panel[p * mr + i] = src[p];
                }
                for (int i = h; i < mr; i++)
                    for (int p = 0; p < kc; p++) panel[p * mr + i] = 0f;
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(pc + p) * lda + ic + ir;
                    float* col = panel + p * mr;
                    for (int i = 0; i < h; i++) col[i] = src[i];
                    for (int i = h; i < mr; i++) col[i] = 0f;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        if (Wide) Micro8x32(kc, a, b, c, ldc, alpha, beta);
        else Micro4x16(kc, a, b, c, ldc, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro8x32(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += 8;
            b += 32;
        }
        Store512(c, c00, c01, alpha, beta);
        Store512(c + ldc, c10, c11, alpha, beta);
        Store512(c + 2 * ldc, c20, c21, alpha, beta);
        Store512(c + 3 * ldc, c30, c31, alpha, beta);
        Store512(c + 4 * ldc, c40, c41, alpha, beta);
        Store512(c + 5 * ldc, c50, c51, alpha, beta);
        Store512(c + 6 * ldc, c60, c61, alpha, beta);
        Store512(c + 7 * ldc, c70, c71, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, float alpha, float beta)
    {
        var al = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(v0 * al, c);
            Vector512.Store(v1 * al, c + 16);
        }
        else
        {
            var be = Vector512.Create(beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(v0, al, Vector512.Load(c) * be), c);
            Vector512.Store(Vector512.FusedMultiplyAdd(v1, al, Vector512.Load(c + 16) * be), c + 16);
        }
    }

    private static void Micro4x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            a += 4;
            b += 16;
        }
        Store256(c, c00, c01, alpha, beta);
        Store256(c + ldc, c10, c11, alpha, beta);
        Store256(c + 2 * ldc, c20, c21, alpha, beta);
        Store256(c + 3 * ldc, c30, c31, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, float alpha, float beta)
    {
        var al = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(v0 * al, c);
            Vector256.Store(v1 * al, c + 8);
        }
        else
        {
            var be = Vector256.Create(beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(v0, al, Vector256.Load(c) * be), c);
            Vector256.Store(Vector256.FusedMultiplyAdd(v1, al, Vector256.Load(c + 8) * be), c + 8);
        }
    }
}
