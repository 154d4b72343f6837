using ILGPU;

namespace FastRobust.Kernels;

/// <summary>Batch-norm layout [E, N, C, HW]: statistics per (member, channel) over N·HW values.</summary>
public struct NormShape
{
    public int E, N, C, HW;
}

/// <summary>
/// Batch norm. The statistics kernels run one group per (member, channel) pair (grid X = E·C): each thread folds a
/// strided slice in double, the group combines them in shared memory, then the same group applies the result, so
/// a layer is one launch. The per-element arithmetic is CpuBackend.BatchNorm's.
/// </summary>
public static class Norm
{

    private static long Offset(in NormShape s, int member, int c, int j)
    {
        int n = j / s.HW, i = j - n * s.HW;
        return (((long)member * s.N + n) * s.C + c) * s.HW + i;
    }

    [Kernel]
    public static void TrainForward(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
        ArrayView<float> saveMean, ArrayView<float> saveInvStd, ArrayView<float> runMean, ArrayView<float> runVar,
        NormShape s, float momentum, float eps)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.MaxThreads);
        int ec = Grid.IdxX, t = Group.IdxX;
        int member = ec / s.C, c = ec - member * s.C;
        int count = s.N * s.HW;
        double sum = 0;
        for (int j = t; j < count; j += Group.DimX) sum += x[Offset(s, member, c, j)];
        double mean = Reduce.GroupSum(scratch, sum) / count;
        double sq = 0;
        for (int j = t; j < count; j += Group.DimX)
        {
            double d = x[Offset(s, member, c, j)] - mean;
            sq += d * d;
        }
        double var = Reduce.GroupSum(scratch, sq) / count;
        float invStd = (float)(1.0 / Math.Sqrt(var + eps));
        if (t == 0)
        {
            saveMean[ec] = (float)mean;
            saveInvStd[ec] = invStd;
            double unbiased = count > 1 ? var * count / (count - 1) : var;
            runMean[ec] = (float)((1 - momentum) * runMean[ec] + momentum * mean);
            runVar[ec] = (float)((1 - momentum) * runVar[ec] + momentum * unbiased);
        }
        float scale = gamma[ec] * invStd, shift = beta[ec] - (float)mean * scale;
        for (int j = t; j < count; j += Group.DimX)
        {
            long off = Offset(s, member, c, j);
            y[off] = x[off] * scale + shift;
        }
    }

    [Kernel]
    public static void EvalForward(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runMean, ArrayView<float> runVar, ArrayView<float> y, int count, NormShape s, float eps)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step)
        {
            int plane = i / s.HW;
            int c = plane % s.C, member = plane / (s.N * s.C);
            int ec = member * s.C + c;
            float scale = gamma[ec] / MathF.Sqrt(runVar[ec] + eps), shift = beta[ec] - runMean[ec] * scale;
            y[i] = x[i] * scale + shift;
        }
    }

    /// <summary>Backward of the training forward; the flags say which of dx, dgamma, dbeta to write (absent ones are dummies).</summary>
    [Kernel]
    public static void TrainBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> gamma, ArrayView<float> saveMean,
        ArrayView<float> saveInvStd, ArrayView<float> dx, ArrayView<float> dgamma, ArrayView<float> dbeta, NormShape s,
        int wantDx, int wantDgamma, int wantDbeta)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.MaxThreads);
        int ec = Grid.IdxX, t = Group.IdxX;
        int member = ec / s.C, c = ec - member * s.C;
        int count = s.N * s.HW;
        float mean = saveMean[ec], invStd = saveInvStd[ec];
        double sumDy = 0, sumDyXhat = 0;
        for (int j = t; j < count; j += Group.DimX)
        {
            long off = Offset(s, member, c, j);
            float d = dy[off];
            sumDy += d;
            sumDyXhat += d * (x[off] - mean) * invStd;
        }
        sumDy = Reduce.GroupSum(scratch, sumDy);
        sumDyXhat = Reduce.GroupSum(scratch, sumDyXhat);
        if (t == 0)
        {
            if (wantDbeta != 0) dbeta[ec] = (float)sumDy;
            if (wantDgamma != 0) dgamma[ec] = (float)sumDyXhat;
        }
        if (wantDx == 0) return;
        float k = gamma[ec] * invStd;
        float meanDy = (float)(sumDy / count), meanDyXhat = (float)(sumDyXhat / count);
        for (int j = t; j < count; j += Group.DimX)
        {
            long off = Offset(s, member, c, j);
            float xhat = (x[off] - mean) * invStd;
            dx[off] = k * (dy[off] - meanDy - xhat * meanDyXhat);
        }
    }

    /// <summary>Backward of the eval forward (fixed statistics).</summary>
    [Kernel]
    public static void EvalBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> gamma, ArrayView<float> runMean,
        ArrayView<float> runVar, ArrayView<float> dx, ArrayView<float> dgamma, ArrayView<float> dbeta, NormShape s, float eps,
        int wantDx, int wantDgamma, int wantDbeta)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.MaxThreads);
        int ec = Grid.IdxX, t = Group.IdxX;
        int member = ec / s.C, c = ec - member * s.C;
        int count = s.N * s.HW;
        float invStd = 1f / MathF.Sqrt(runVar[ec] + eps), mean = runMean[ec], k = gamma[ec] * invStd;
        double sumDy = 0, sumDyXhat = 0;
        for (int j = t; j < count; j += Group.DimX)
        {
            long off = Offset(s, member, c, j);
            float d = dy[off];
            if (wantDx != 0) dx[off] = d * k;
            sumDy += d;
            sumDyXhat += d * (x[off] - mean) * invStd;
        }
        if (wantDgamma == 0 && wantDbeta == 0) return;
        sumDy = Reduce.GroupSum(scratch, sumDy);
        sumDyXhat = Reduce.GroupSum(scratch, sumDyXhat);
        if (t == 0)
        {
            if (wantDgamma != 0) dgamma[ec] = (float)sumDyXhat;
            if (wantDbeta != 0) dbeta[ec] = (float)sumDy;
        }
    }
}
