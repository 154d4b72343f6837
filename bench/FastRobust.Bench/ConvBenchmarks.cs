using BenchmarkDotNet.Attributes;
using FastRobust.Tensors;

namespace FastRobust.Bench;

/// <summary>
/// The backend's three convolution kernels on each convolution of the reference CNN (3×3, padding 1) at batch
/// 128: forward, gradient of the data, gradient of the weights (and bias).
/// </summary>
public class ConvBenchmarks : DeviceBenchmark
{
    [Params("conv1", "conv2", "conv3", "conv4")]
    public string Layer { get; set; } = "conv2";

    [Params(128)]
    public int Batch { get; set; } = 128;

    private ConvGeometry _g;
    private Tensor _x = null!, _w = null!, _bias = null!, _y = null!, _dy = null!, _dx = null!, _dw = null!, _db = null!;

    public static ConvGeometry Geometry(string layer, int batch)
    {
        var (l, s) = ReferenceCnn.Convs[layer];
        int stride = l.Stride ?? 1;
        return new ConvGeometry(1, batch, s[0], s[1], s[2], l.Out, l.Kernel, l.Kernel, stride, stride, l.Padding, l.Padding, false);
    }

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        var g = _g = Geometry(Layer, Batch);
        _x = Tensor.Uniform([g.N, g.C, g.H, g.W], 0f, 1f, 1, 1, Dev).KeepAlive();
        _w = Tensor.Uniform([g.O, g.C, g.KH, g.KW], -0.1f, 0.1f, 1, 2, Dev).KeepAlive();
        _bias = Tensor.Uniform([g.O], -0.1f, 0.1f, 1, 3, Dev).KeepAlive();
        _y = Tensor.Empty([g.N, g.O, g.OH, g.OW], Dev).KeepAlive();
        _dy = Tensor.Uniform([g.N, g.O, g.OH, g.OW], -1f, 1f, 1, 4, Dev).KeepAlive();
        _dx = Tensor.Empty([g.N, g.C, g.H, g.W], Dev).KeepAlive();
        _dw = Tensor.Empty([g.O, g.C, g.KH, g.KW], Dev).KeepAlive();
        _db = Tensor.Empty([g.O], Dev).KeepAlive();
    }

    [Benchmark]
    public void Forward()
    {
        Tick();
        Dev.Backend.Conv2dForward(_g, _x.Buffer, _w.Buffer, _bias.Buffer, _y.Buffer);
        Sync();
    }

    [Benchmark]
    public void BackwardData()
    {
        Tick();
        Dev.Backend.Conv2dBackwardData(_g, _dy.Buffer, _w.Buffer, _dx.Buffer);
        Sync();
    }

    [Benchmark]
    public void BackwardWeights()
    {
        Tick();
        Dev.Backend.Conv2dBackwardWeight(_g, _x.Buffer, _dy.Buffer, _dw.Buffer, _db.Buffer);
        Sync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        foreach (var t in new[] { _x, _w, _bias, _y, _dy, _dx, _dw, _db }) t.Dispose();
    }

    public override Work WorkOf(string method) => new(Geometry(Layer, Batch).FlopsForward, Batch);
}
