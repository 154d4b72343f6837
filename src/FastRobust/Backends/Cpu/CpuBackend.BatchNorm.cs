using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

/// <summary>Batch norm per (member, channel) over N·HW values of the layout [E, N, C, HW]; sums in double.</summary>
public sealed unsafe partial class CpuBackend
{
    public override void BatchNormTrainForward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
        FloatBuffer y, FloatBuffer saveMean, FloatBuffer saveInvStd, FloatBuffer runMean, FloatBuffer runVar, float momentum, float eps)
    {
        var geo = g;
        float* px = P(x), pg = P(gamma), pb = P(beta), py = P(y), pm = P(saveMean), ps = P(saveInvStd), rm = P(runMean), rv = P(runVar);
        long pairs = (long)g.E * g.C;
        long count = (long)g.N * g.HW;
        CpuParallel.For(pairs, CpuParallel.Chunks(pairs, count * 3, 65_536), (_, s, e) =>
        {
            for (long ec = s; ec < e; ec++)
            {
                int member = (int)(ec / geo.C), c = (int)(ec % geo.C);
                double sum = 0, sq = 0;
                for (int n = 0; n < geo.N; n++)
                {
                    float* row = px + (((long)member * geo.N + n) * geo.C + c) * geo.HW;
                    for (int i = 0; i < geo.HW; i++) sum += row[i];
                }
                double mean = sum / count;
                for (int n = 0; n < geo.N; n++)
                {
                    float* row = px + (((long)member * geo.N + n) * geo.C + c) * geo.HW;
                    for (int i = 0; i < geo.HW; i++) { double d = row[i] - mean; sq += d * d; }
                }
                double var = sq / count;
                float invStd = (float)(1.0 / Math.Sqrt(var + eps));
                pm[ec] = (float)mean;
                ps[ec] = invStd;
                double unbiased = count > 1 ? var * count / (count - 1) : var;
                rm[ec] = (float)((1 - momentum) * rm[ec] + momentum * mean);
                rv[ec] = (float)((1 - momentum) * rv[ec] + momentum * unbiased);
                float scale = pg[ec] * invStd, shift = pb[ec] - (float)mean * scale;
                for (int n = 0; n < geo.N; n++)
                {
                    long off = (((long)member * geo.N + n) * geo.C + c) * geo.HW;
                    for (int i = 0; i < geo.HW; i++) py[off + i] = px[off + i] * scale + shift;
                }
            }
        });
    }

    public override void BatchNormEvalForward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
        FloatBuffer runMean, FloatBuffer runVar, float eps, FloatBuffer y)
    {
        var geo = g;
        float* px = P(x), pg = P(gamma), pb = P(beta), py = P(y), rm = P(runMean), rv = P(runVar);
        long planes = (long)g.E * g.N * g.C;
        CpuParallel.For(planes, CpuParallel.Chunks(planes, g.HW, 65_536), (_, s, e) =>
        {
            for (long pl = s; pl < e; pl++)
            {
                int c = (int)(pl % geo.C);
                long member = pl / ((long)geo.N * geo.C);
                long ec = member * geo.C + c;
                float scale = pg[ec] / MathF.Sqrt(rv[ec] + eps), shift = pb[ec] - rm[ec] * scale;
                float* xr = px + pl * geo.HW, yr = py + pl * geo.HW;
                for (int i = 0; i < geo.HW; i++) yr[i] = xr[i] * scale + shift;
            }
        });
    }

    public override void BatchNormBackward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer gamma,
        FloatBuffer saveMean, FloatBuffer saveInvStd, FloatBuffer? dx, FloatBuffer? dgamma, FloatBuffer? dbeta)
    {
        var geo = g;
        float* px = P(x), pdy = P(dy), pg = P(gamma), pm = P(saveMean), ps = P(saveInvStd);
        float* pdx = P(dx, true), pdg = P(dgamma, true), pdb = P(dbeta, true);
        long pairs = (long)g.E * g.C;
        long count = (long)g.N * g.HW;
        CpuParallel.For(pairs, CpuParallel.Chunks(pairs, count * 3, 65_536), (_, s, e) =>
        {
            for (long ec = s; ec < e; ec++)
            {
                int member = (int)(ec / geo.C), c = (int)(ec % geo.C);
                float mean = pm[ec], invStd = ps[ec];
                double sumDy = 0, sumDyXhat = 0;
                for (int n = 0; n < geo.N; n++)
                {
                    long off = (((long)member * geo.N + n) * geo.C + c) * geo.HW;
                    for (int i = 0; i < geo.HW; i++)
                    {
                        float d = pdy[off + i];
                        sumDy += d;
                        sumDyXhat += d * (px[off + i] - mean) * invStd;
                    }
                }
                if (pdb != null) pdb[ec] = (float)sumDy;
                if (pdg != null) pdg[ec] = (float)sumDyXhat;
                if (pdx == null) continue;
                float k = pg[ec] * invStd;
                float meanDy = (float)(sumDy / count), meanDyXhat = (float)(sumDyXhat / count);
                for (int n = 0; n < geo.N; n++)
                {
                    long off = (((long)member * geo.N + n) * geo.C + c) * geo.HW;
                    for (int i = 0; i < geo.HW; i++)
                    {
                        float xhat = (px[off + i] - mean) * invStd;
                        pdx[off + i] = k * (pdy[off + i] - meanDy - xhat * meanDyXhat);
                    }
                }
            }
        });
    }

    public override void BatchNormEvalBackward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer gamma,
        FloatBuffer runMean, FloatBuffer runVar, float eps, FloatBuffer? dx, FloatBuffer? dgamma, FloatBuffer? dbeta)
    {
        var geo = g;
        float* px = P(x), pdy = P(dy), pg = P(gamma), rm = P(runMean), rv = P(runVar);
        float* pdx = P(dx, true), pdg = P(dgamma, true), pdb = P(dbeta, true);
        long pairs = (long)g.E * g.C;
        CpuParallel.For(pairs, CpuParallel.Chunks(pairs, (long)g.N * g.HW * 2, 65_536), (_, s, e) =>
        {
            for (long ec = s; ec < e; ec++)
            {
                int member = (int)(ec / geo.C), c = (int)(ec % geo.C);
                float invStd = 1f / MathF.Sqrt(rv[ec] + eps), mean = rm[ec], k = pg[ec] * invStd;
                double sumDy = 0, sumDyXhat = 0;
                for (int n = 0; n < geo.N; n++)
                {
                    long off = (((long)member * geo.N + n) * geo.C + c) * geo.HW;
                    for (int i = 0; i < geo.HW; i++)
                    {
                        float d = pdy[off + i];
                        if (pdx != null) pdx[off + i] = d * k;
                        sumDy += d;
                        sumDyXhat += d * (px[off + i] - mean) * invStd;
                    }
                }
                if (pdg != null) pdg[ec] = (float)sumDyXhat;
                if (pdb != null) pdb[ec] = (float)sumDy;
            }
        });
    }
}
