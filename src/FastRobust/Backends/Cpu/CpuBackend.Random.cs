using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public override void FillUniform(FloatBuffer y, long n, ulong seed, ulong stream, ulong offset, float lo, float hi)
    {
        float* py = P(y);
        long blocks = (n + 3) / 4;
        CpuParallel.ForRange(blocks, (s, e) =>
        {
            for (long blk = s; blk < e; blk++)
            {
                Philox.Block(seed, stream, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
                long i = blk * 4;
                float span = hi - lo;
                if (i < n) py[i] = lo + span * Philox.ToUnit(r0);
                if (i + 1 < n) py[i + 1] = lo + span * Philox.ToUnit(r1);
                if (i + 2 < n) py[i + 2] = lo + span * Philox.ToUnit(r2);
                if (i + 3 < n) py[i + 3] = lo + span * Philox.ToUnit(r3);
            }
        }, 16);
    }

    public override void FillNormal(FloatBuffer y, long n, ulong seed, ulong stream, ulong offset, float mean, float std)
    {
        float* py = P(y);
        long blocks = (n + 3) / 4;
        CpuParallel.ForRange(blocks, (s, e) =>
        {
            for (long blk = s; blk < e; blk++)
            {
                Philox.Block(seed, stream, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
                long i = blk * 4;
                if (i < n) py[i] = mean + std * Philox.BoxMuller(r0, r1, false);
                if (i + 1 < n) py[i + 1] = mean + std * Philox.BoxMuller(r0, r1, true);
                if (i + 2 < n) py[i + 2] = mean + std * Philox.BoxMuller(r2, r3, false);
                if (i + 3 < n) py[i + 3] = mean + std * Philox.BoxMuller(r2, r3, true);
            }
        }, 64);
    }

    public override void DropoutForward(FloatBuffer x, FloatBuffer y, FloatBuffer mask, long n, float p, ulong seed, ulong stream, ulong offset)
    {
        float* px = P(x), py = P(y), pm = P(mask);
        float keep = 1f / (1f - p);
        long blocks = (n + 3) / 4;
        CpuParallel.ForRange(blocks, (s, e) =>
        {
            for (long blk = s; blk < e; blk++)
            {
                Philox.Block(seed, stream, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
                long i = blk * 4;
                for (int lane = 0; lane < 4 && i + lane < n; lane++)
                {
                    uint r = lane == 0 ? r0 : lane == 1 ? r1 : lane == 2 ? r2 : r3;
                    float m = Philox.ToUnit(r) >= p ? keep : 0f;
                    pm[i + lane] = m;
                    py[i + lane] = px[i + lane] * m;
                }
            }
        }, 16);
    }
}
