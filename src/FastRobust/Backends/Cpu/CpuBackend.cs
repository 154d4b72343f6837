using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// The plain-C# backend: SIMD through System.Runtime.Intrinsics, a packed GEMM, convolution by im2col over
/// that GEMM, and Parallel.For across the cores. Each op family lives in its own partial file.
/// </summary>
public sealed unsafe partial class CpuBackend : Backend
{
    internal static float* P(FloatBuffer b) => ((CpuFloatBuffer)b).Ptr;
    internal static float* P(FloatBuffer? b, bool _) => b is null ? null : ((CpuFloatBuffer)b).Ptr;
    internal static int* P(IntBuffer b) => ((CpuIntBuffer)b).Ptr;

    public override FloatBuffer Alloc(long n) => new CpuFloatBuffer(n);

    public override IntBuffer AllocInt(long n) => new CpuIntBuffer(n);

    public override void Upload(ReadOnlySpan<float> src, FloatBuffer dst, long dstOffset = 0) =>
        src.CopyTo(new Span<float>(P(dst) + dstOffset, src.Length));

    public override void Download(FloatBuffer src, long srcOffset, Span<float> dst) =>
        new ReadOnlySpan<float>(P(src) + srcOffset, dst.Length).CopyTo(dst);

    public override void UploadInt(ReadOnlySpan<int> src, IntBuffer dst) => src.CopyTo(new Span<int>(P(dst), src.Length));

    public override void DownloadInt(IntBuffer src, Span<int> dst) => new ReadOnlySpan<int>(P(src), dst.Length).CopyTo(dst);

    public override void Copy(FloatBuffer src, long srcOffset, FloatBuffer dst, long dstOffset, long n)
    {
        float* s = P(src) + srcOffset, d = P(dst) + dstOffset;
        CpuParallel.ForRange(n, (a, b) => Buffer.MemoryCopy(s + a, d + a, (b - a) * 4, (b - a) * 4));
    }

    public override void Fill(FloatBuffer dst, long offset, long n, float value)
    {
        float* d = P(dst) + offset;
        CpuParallel.ForRange(n, (a, b) => new Span<float>(d + a, (int)(b - a)).Fill(value));
    }

    public override void Synchronize() { }
}
