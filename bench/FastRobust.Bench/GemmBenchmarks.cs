using BenchmarkDotNet.Attributes;
using FastRobust.Tensors;

namespace FastRobust.Bench;

/// <summary>
/// Backend.Gemm on the reference CNN's matrix products at batch 128: the first linear layer's forward, data and
/// weight gradients (what Ops.Linear launches), the fourth convolution written as im2col GEMMs (one per image,
/// the weights broadcast), and a square 1024³ product as the classic yardstick.
/// </summary>
public class GemmBenchmarks : DeviceBenchmark
{
    /// <summary>One product: C_b = op(A_b)·op(B_b) with op(A) [M, K], op(B) [K, N], for b in [0, Batch).</summary>
    public sealed record Case(bool TransA, bool TransB, int M, int N, int K, int Batch, bool BroadcastA);

    private const int B = 128;

    public static IReadOnlyDictionary<string, Case> Cases { get; } = BuildCases();

    private static Dictionary<string, Case> BuildCases()
    {
        var (fc1, fc1In) = ReferenceCnn.Linears["fc1"];
        int inF = fc1In[0], o = fc1.Out;
        var (conv4, c4In) = ReferenceCnn.Convs["conv4"];
        int k4 = c4In[0] * conv4.Kernel * conv4.Kernel, hw4 = c4In[1] * c4In[2];
        return new Dictionary<string, Case>
        {
            ["fc1.fwd"] = new(false, true, B, o, inF, 1, false),   // y = x·Wᵀ   [128, 256], K 4096
            ["fc1.dX"] = new(false, false, B, inF, o, 1, false),   // dx = dy·W  [128, 4096], K 256
            ["fc1.dW"] = new(true, false, o, inF, B, 1, false),    // dW = dyᵀ·x [256, 4096], K 128
            ["conv4.im2col"] = new(false, false, conv4.Out, hw4, k4, B, true), // 128 × [64, 256], K 576
            ["square1024"] = new(false, false, 1024, 1024, 1024, 1, false),
        };
    }

    [Params("fc1.fwd", "fc1.dX", "fc1.dW", "conv4.im2col", "square1024")]
    public string Shape { get; set; } = "square1024";

    private Case _c = null!;
    private Tensor _a = null!, _b = null!, _out = null!;

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        _c = Cases[Shape];
        long aCount = (long)_c.M * _c.K * (_c.BroadcastA ? 1 : _c.Batch);
        _a = Tensor.Uniform([(int)aCount], -1f, 1f, 1, 1, Dev).KeepAlive();
        _b = Tensor.Uniform([_c.Batch * _c.K * _c.N], -1f, 1f, 1, 2, Dev).KeepAlive();
        _out = Tensor.Zeros([_c.Batch * _c.M * _c.N], Dev).KeepAlive();
    }

    [Benchmark]
    public void Gemm()
    {
        Tick();
        var c = _c;
        int lda = c.TransA ? c.M : c.K, ldb = c.TransB ? c.K : c.N;
        Dev.Backend.Gemm(c.TransA, c.TransB, c.M, c.N, c.K, 1f,
            _a.Buffer, 0, lda, c.BroadcastA ? 0 : (long)c.M * c.K,
            _b.Buffer, 0, ldb, (long)c.K * c.N,
            0f, _out.Buffer, 0, c.N, (long)c.M * c.N, c.Batch);
        Sync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        _a.Dispose();
        _b.Dispose();
        _out.Dispose();
    }

    public override Work WorkOf(string method)
    {
        var c = Cases[Shape];
        return new Work(2.0 * c.M * c.N * c.K * c.Batch, double.NaN);
    }
}
