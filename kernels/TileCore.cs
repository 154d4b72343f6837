using ILGPU;

namespace FastRobust.Kernels;

/// <summary>The 8×8 block of C that one thread accumulates, as 64 named registers (ILGPU keeps a by-value struct in registers).</summary>
public struct Tile8x8
{
    public float C00, C01, C02, C03, C04, C05, C06, C07, C10, C11, C12, C13, C14, C15, C16, C17, C20, C21, C22, C23, C24, C25, C26, C27, C30, C31, C32, C33, C34, C35, C36, C37, C40, C41, C42, C43, C44, C45, C46, C47, C50, C51, C52, C53, C54, C55, C56, C57, C60, C61, C62, C63, C64, C65, C66, C67, C70, C71, C72, C73, C74, C75, C76, C77;
}

/// <summary>Where a tile kernel writes one element (row, column) of its output (<see cref="TileCore.Store{TStore}"/>).</summary>
public interface ITileStore
{
    void Put(int row, int col, float value);
}

/// <summary>
/// The shared core of the GEMM and implicit-GEMM convolution kernels: a 64×64 block of C per group of 64 threads,
/// K staged through shared memory in slices of 16 (As[k][m] and Bs[k][n], k-major so the inner loop reads rows).
/// Thread (ty, tx) = (t / 8, t % 8) owns rows 4ty..4ty+3 and 32+4ty..32+4ty+3 and the same columns of 4tx: its four
/// contiguous values of each operand half are one 16-byte shared load (LDS.128), so a k step is 64 FFMAs for 4 loads.
/// An accumulator C{i}{j} holds row <see cref="Row"/>(ty, i), column <see cref="Row"/>(tx, j). 64-thread groups keep
/// the CPU accelerator (one OS thread per GPU thread) quick. The micro-kernel and the epilogues are unrolled by hand
/// (ILGPU does not unroll loops).
/// </summary>
public static class TileCore
{
    public const int BM = 64, BN = 64, BK = 16, Threads = 64;

    /// <summary>The tile row (or column) of a thread's i-th accumulator row: 4·t + i, then 32 + 4·t + (i − 4).</summary>
    public static int Row(int t, int i) => i < 4 ? 4 * t + i : 28 + 4 * t + i;

    /// <summary>
    /// The accumulator rows a tile with <paramref name="rows"/> live rows needs: 4 (rows 0..31, i &lt; 4) or 8. A tile
    /// whose M runs out early (32 output channels, 3 input channels) skips the FFMAs and shared loads of rows 32..63
    /// instead of multiplying zeros.
    /// </summary>
    public static int RowGroups(int rows) => rows > 32 ? 8 : 4;

    /// <summary>
    /// The epilogue of every tile kernel: hands each of the thread's 64 results to <paramref name="store"/> with its
    /// row and column in the output (rows <see cref="Row"/>(ty, i) of the tile at m0, columns Row(tx, j) at n0). The
    /// store checks the bounds and writes in its kernel's layout; being a struct type argument, its Put is inlined.
    /// </summary>
    public static void Store<TStore>(Tile8x8 acc, int ty, int tx, int m0, int n0, TStore store) where TStore : struct, ITileStore
    {
        int row = m0 + 4 * ty, col = n0 + 4 * tx;
        store.Put(row + 0, col + 0, acc.C00);
        store.Put(row + 0, col + 1, acc.C01);
        store.Put(row + 0, col + 2, acc.C02);
        store.Put(row + 0, col + 3, acc.C03);
        store.Put(row + 0, col + 32, acc.C04);
        store.Put(row + 0, col + 33, acc.C05);
        store.Put(row + 0, col + 34, acc.C06);
        store.Put(row + 0, col + 35, acc.C07);
        store.Put(row + 1, col + 0, acc.C10);
        store.Put(row + 1, col + 1, acc.C11);
        store.Put(row + 1, col + 2, acc.C12);
        store.Put(row + 1, col + 3, acc.C13);
        store.Put(row + 1, col + 32, acc.C14);
        store.Put(row + 1, col + 33, acc.C15);
        store.Put(row + 1, col + 34, acc.C16);
        store.Put(row + 1, col + 35, acc.C17);
        store.Put(row + 2, col + 0, acc.C20);
        store.Put(row + 2, col + 1, acc.C21);
        store.Put(row + 2, col + 2, acc.C22);
        store.Put(row + 2, col + 3, acc.C23);
        store.Put(row + 2, col + 32, acc.C24);
        store.Put(row + 2, col + 33, acc.C25);
        store.Put(row + 2, col + 34, acc.C26);
        store.Put(row + 2, col + 35, acc.C27);
        store.Put(row + 3, col + 0, acc.C30);
        store.Put(row + 3, col + 1, acc.C31);
        store.Put(row + 3, col + 2, acc.C32);
        store.Put(row + 3, col + 3, acc.C33);
        store.Put(row + 3, col + 32, acc.C34);
        store.Put(row + 3, col + 33, acc.C35);
        store.Put(row + 3, col + 34, acc.C36);
        store.Put(row + 3, col + 35, acc.C37);
        store.Put(row + 32, col + 0, acc.C40);
        store.Put(row + 32, col + 1, acc.C41);
        store.Put(row + 32, col + 2, acc.C42);
        store.Put(row + 32, col + 3, acc.C43);
        store.Put(row + 32, col + 32, acc.C44);
        store.Put(row + 32, col + 33, acc.C45);
        store.Put(row + 32, col + 34, acc.C46);
        store.Put(row + 32, col + 35, acc.C47);
        store.Put(row + 33, col + 0, acc.C50);
        store.Put(row + 33, col + 1, acc.C51);
        store.Put(row + 33, col + 2, acc.C52);
        store.Put(row + 33, col + 3, acc.C53);
        store.Put(row + 33, col + 32, acc.C54);
        store.Put(row + 33, col + 33, acc.C55);
        store.Put(row + 33, col + 34, acc.C56);
        store.Put(row + 33, col + 35, acc.C57);
        store.Put(row + 34, col + 0, acc.C60);
        store.Put(row + 34, col + 1, acc.C61);
        store.Put(row + 34, col + 2, acc.C62);
        store.Put(row + 34, col + 3, acc.C63);
        store.Put(row + 34, col + 32, acc.C64);
        store.Put(row + 34, col + 33, acc.C65);
        store.Put(row + 34, col + 34, acc.C66);
        store.Put(row + 34, col + 35, acc.C67);
        store.Put(row + 35, col + 0, acc.C70);
        store.Put(row + 35, col + 1, acc.C71);
        store.Put(row + 35, col + 2, acc.C72);
        store.Put(row + 35, col + 3, acc.C73);
        store.Put(row + 35, col + 32, acc.C74);
        store.Put(row + 35, col + 33, acc.C75);
        store.Put(row + 35, col + 34, acc.C76);
        store.Put(row + 35, col + 35, acc.C77);
    }

    /// <summary>
    /// acc += As[:, rows]ᵀ·Bs[:, cols] over one K slice, for the first <paramref name="rowGroups"/> accumulator rows
    /// (<see cref="RowGroups"/>); the others stay zero. The branch is uniform over the group. The two variants below
    /// repeat one pattern on purpose: each is a k loop with no branch in it (ILGPU unrolls nothing, and a shared loop
    /// testing the row groups at every step costs those tests in the hottest loop of the engine).
    /// </summary>
    public static Tile8x8 MultiplySlice(Tile8x8 acc, ArrayView<float> As, ArrayView<float> Bs, int ty, int tx, int rowGroups) =>
        rowGroups == 8 ? Slice8Rows(acc, As, Bs, ty, tx) : Slice4Rows(acc, As, Bs, ty, tx);

    private static Tile8x8 Slice8Rows(Tile8x8 acc, ArrayView<float> As, ArrayView<float> Bs, int ty, int tx)
    {
        for (int kk = 0; kk < BK; kk++)
        {
            // 16-byte-aligned runs of four: ptxas reads each run with one LDS.128
            var aLow = As.SubView(kk * BM + 4 * ty, 4);
            var aHigh = As.SubView(kk * BM + 32 + 4 * ty, 4);
            var bLow = Bs.SubView(kk * BN + 4 * tx, 4);
            var bHigh = Bs.SubView(kk * BN + 32 + 4 * tx, 4);
            float a0 = aLow[0];
            float a1 = aLow[1];
            float a2 = aLow[2];
            float a3 = aLow[3];
            float a4 = aHigh[0];
            float a5 = aHigh[1];
            float a6 = aHigh[2];
            float a7 = aHigh[3];
            float b0 = bLow[0];
            float b1 = bLow[1];
            float b2 = bLow[2];
            float b3 = bLow[3];
            float b4 = bHigh[0];
            float b5 = bHigh[1];
            float b6 = bHigh[2];
            float b7 = bHigh[3];
            acc.C00 += a0 * b0;
            acc.C01 += a0 * b1;
            acc.C02 += a0 * b2;
            acc.C03 += a0 * b3;
            acc.C04 += a0 * b4;
            acc.C05 += a0 * b5;
            acc.C06 += a0 * b6;
            acc.C07 += a0 * b7;
            acc.C10 += a1 * b0;
            acc.C11 += a1 * b1;
            acc.C12 += a1 * b2;
            acc.C13 += a1 * b3;
            acc.C14 += a1 * b4;
            acc.C15 += a1 * b5;
            acc.C16 += a1 * b6;
            acc.C17 += a1 * b7;
            acc.C20 += a2 * b0;
            acc.C21 += a2 * b1;
            acc.C22 += a2 * b2;
            acc.C23 += a2 * b3;
            acc.C24 += a2 * b4;
            acc.C25 += a2 * b5;
            acc.C26 += a2 * b6;
            acc.C27 += a2 * b7;
            acc.C30 += a3 * b0;
            acc.C31 += a3 * b1;
            acc.C32 += a3 * b2;
            acc.C33 += a3 * b3;
            acc.C34 += a3 * b4;
            acc.C35 += a3 * b5;
            acc.C36 += a3 * b6;
            acc.C37 += a3 * b7;
            acc.C40 += a4 * b0;
            acc.C41 += a4 * b1;
            acc.C42 += a4 * b2;
            acc.C43 += a4 * b3;
            acc.C44 += a4 * b4;
            acc.C45 += a4 * b5;
            acc.C46 += a4 * b6;
            acc.C47 += a4 * b7;
            acc.C50 += a5 * b0;
            acc.C51 += a5 * b1;
            acc.C52 += a5 * b2;
            acc.C53 += a5 * b3;
            acc.C54 += a5 * b4;
            acc.C55 += a5 * b5;
            acc.C56 += a5 * b6;
            acc.C57 += a5 * b7;
            acc.C60 += a6 * b0;
            acc.C61 += a6 * b1;
            acc.C62 += a6 * b2;
            acc.C63 += a6 * b3;
            acc.C64 += a6 * b4;
            acc.C65 += a6 * b5;
            acc.C66 += a6 * b6;
            acc.C67 += a6 * b7;
            acc.C70 += a7 * b0;
            acc.C71 += a7 * b1;
            acc.C72 += a7 * b2;
            acc.C73 += a7 * b3;
            acc.C74 += a7 * b4;
            acc.C75 += a7 * b5;
            acc.C76 += a7 * b6;
            acc.C77 += a7 * b7;
        }
        return acc;
    }

    private static Tile8x8 Slice4Rows(Tile8x8 acc, ArrayView<float> As, ArrayView<float> Bs, int ty, int tx)
    {
        for (int kk = 0; kk < BK; kk++)
        {
            // 16-byte-aligned runs of four: ptxas reads each run with one LDS.128
            var aLow = As.SubView(kk * BM + 4 * ty, 4);
            var bLow = Bs.SubView(kk * BN + 4 * tx, 4);
            var bHigh = Bs.SubView(kk * BN + 32 + 4 * tx, 4);
            float a0 = aLow[0];
            float a1 = aLow[1];
            float a2 = aLow[2];
            float a3 = aLow[3];
            float b0 = bLow[0];
            float b1 = bLow[1];
            float b2 = bLow[2];
            float b3 = bLow[3];
            float b4 = bHigh[0];
            float b5 = bHigh[1];
            float b6 = bHigh[2];
            float b7 = bHigh[3];
            acc.C00 += a0 * b0;
            acc.C01 += a0 * b1;
            acc.C02 += a0 * b2;
            acc.C03 += a0 * b3;
            acc.C04 += a0 * b4;
            acc.C05 += a0 * b5;
            acc.C06 += a0 * b6;
            acc.C07 += a0 * b7;
            acc.C10 += a1 * b0;
            acc.C11 += a1 * b1;
            acc.C12 += a1 * b2;
            acc.C13 += a1 * b3;
            acc.C14 += a1 * b4;
            acc.C15 += a1 * b5;
            acc.C16 += a1 * b6;
            acc.C17 += a1 * b7;
            acc.C20 += a2 * b0;
            acc.C21 += a2 * b1;
            acc.C22 += a2 * b2;
            acc.C23 += a2 * b3;
            acc.C24 += a2 * b4;
            acc.C25 += a2 * b5;
            acc.C26 += a2 * b6;
            acc.C27 += a2 * b7;
            acc.C30 += a3 * b0;
            acc.C31 += a3 * b1;
            acc.C32 += a3 * b2;
            acc.C33 += a3 * b3;
            acc.C34 += a3 * b4;
            acc.C35 += a3 * b5;
            acc.C36 += a3 * b6;
            acc.C37 += a3 * b7;
        }
        return acc;
    }
}
