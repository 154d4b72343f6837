using ILGPU.Runtime.Cuda;

namespace FastRobust.Kernels;

/// <summary>
/// Products that must stay rounded products. ILGPU 1.5.3 writes a*b and a+b as PTX mul.f64 / add.f64 without a
/// rounding modifier, which ptxas may fuse into one fma (one rounding instead of two); the host (.NET never contracts)
/// rounds twice, so a fused x + a·b can differ from the host's in the last bit, and after a threshold or an 8-bit
/// truncation by a whole level. mul.rn is never fused. On other accelerators (ilgpu-cpu) it is the plain product.
/// </summary>
public static class Unfused
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
