using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public override void SoftmaxCrossEntropyForward(FloatBuffer logits, IntBuffer labels, FloatBuffer losses, FloatBuffer probs,
        int rows, int classes, int n, float smoothing)
    {
        float* px = P(logits), pl = P(losses), pp = P(probs);
        int* py = P(labels);
        CpuParallel.For(rows, CpuParallel.Chunks(rows, classes * 8L, 65_536), (_, s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                float* x = px + r * classes, p = pp + r * classes;
                float max = float.NegativeInfinity;
                for (int k = 0; k < classes; k++) max = MathF.Max(max, x[k]);
                double sum = 0, sumX = 0;
                for (int k = 0; k < classes; k++)
                {
                    double ex = Math.Exp(x[k] - max);
                    p[k] = (float)ex;
                    sum += ex;
                    sumX += x[k];
                }
                float inv = (float)(1.0 / sum);
                for (int k = 0; k < classes; k++) p[k] *= inv;
                double lse = max + Math.Log(sum);
                int y = py[r % n];
                if ((uint)y >= (uint)classes) throw new ArgumentException($"label {y} of sample {r % n} is outside the {classes} classes");
                double target = (1.0 - smoothing) * x[y] + smoothing * sumX / classes;
                pl[r] = (float)(lse - target);
            }
        });
    }

    public override void SoftmaxCrossEntropyBackward(FloatBuffer probs, IntBuffer labels, FloatBuffer dlosses, FloatBuffer dlogits,
        int rows, int classes, int n, float smoothing)
    {
        float* pp = P(probs), pd = P(dlosses), pg = P(dlogits);
        int* py = P(labels);
        float off = smoothing / classes, on = 1f - smoothing + off;
        CpuParallel.For(rows, CpuParallel.Chunks(rows, classes, 65_536), (_, s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                float* p = pp + r * classes, g = pg + r * classes;
                float d = pd[r];
                int y = py[r % n];
                for (int k = 0; k < classes; k++) g[k] = d * (p[k] - (k == y ? on : off));
            }
        });
    }

    public override void Softmax(FloatBuffer x, FloatBuffer y, int rows, int classes)
    {
        float* px = P(x), pyv = P(y);
        CpuParallel.For(rows, CpuParallel.Chunks(rows, classes * 8L, 65_536), (_, s, e) =>
        {
            for (long r = s; r < e; r++)
            {
                float* xr = px + r * classes, yr = pyv + r * classes;
                float max = float.NegativeInfinity;
                for (int k = 0; k < classes; k++) max = MathF.Max(max, xr[k]);
                double sum = 0;
                for (int k = 0; k < classes; k++) { float ex = MathF.Exp(xr[k] - max); yr[k] = ex; sum += ex; }
                float inv = (float)(1.0 / sum);
                for (int k = 0; k < classes; k++) yr[k] *= inv;
            }
        });
    }

    public override void CountCorrect(FloatBuffer logits, IntBuffer labels, FloatBuffer counts, int rows, int classes, int n)
    {
        float* px = P(logits), pc = P(counts);
        int* py = P(labels);
        for (int r = 0; r < rows; r++)
        {
            float* x = px + (long)r * classes;
            int best = 0;
            for (int k = 1; k < classes; k++) if (x[k] > x[best]) best = k;
            if (best == py[r % n]) pc[r / n] += 1f;
        }
    }
}
