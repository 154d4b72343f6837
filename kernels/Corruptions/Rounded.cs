using ILGPU.Runtime.Cuda;

namespace FastRobust.Kernels;

/// <summary>
/// Products that stay rounded on their own. ILGPU writes a * b as PTX <c>mul.f64</c>/<c>mul.f32</c> with no rounding
/// modifier, and ptxas may then fuse it with a following add into one fma (rounded once), which is not the host's
/// a * b + c (rounded twice) in the last bit — enough to move a value across an 8-bit truncation or a rounding tie.
/// <c>mul.rn</c> is never fused. On the CPU accelerator (.NET arithmetic, never contracted) these are plain products.
/// </summary>
public static class Rounded
{
    public static double Mul(double a, double b)
    {
        if (!CudaAsm.IsSupported) return a * b;
        CudaAsm.Emit("mul.rn.f64 %0, %1, %2;", out double r, a, b);
        return r;
    }

    public static float Mul(float a, float b)
    {
        if (!CudaAsm.IsSupported) return a * b;
        CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float r, a, b);
        return r;
    }
}
