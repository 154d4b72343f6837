using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public override void RandomCropFlip(FloatBuffer x, FloatBuffer y, int n, int c, int h, int w, int pad, bool flip,
        ulong seed, ulong stream, ulong offset)
    {
        float* px = P(x), py = P(y);
        long image = (long)c * h * w;
        CpuParallel.For(n, CpuParallel.Chunks(n, image, 65_536), (_, s, e) =>
        {
            for (long img = s; img < e; img++)
            {
                Philox.Block(seed, stream, offset + (ulong)img, out uint r0, out uint r1, out uint r2, out uint unused);
                int dy = Philox.Below(r0, 2 * pad + 1) - pad, dx = Philox.Below(r1, 2 * pad + 1) - pad;
                bool mirror = flip && (r2 >> 31) != 0;
                for (int ch = 0; ch < c; ch++)
                {
                    float* src = px + img * image + (long)ch * h * w, dst = py + img * image + (long)ch * h * w;
                    for (int i = 0; i < h; i++)
                    {
                        int si = i + dy;
                        for (int j = 0; j < w; j++)
                        {
                            int sj = (mirror ? w - 1 - j : j) + dx;
                            dst[i * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? src[si * w + sj] : 0f;
                        }
                    }
                }
            }
        });
    }
}
