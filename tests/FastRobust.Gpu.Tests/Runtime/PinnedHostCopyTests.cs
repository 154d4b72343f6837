using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace FastRobust.Gpu.Tests.Runtime;

/// <summary>
/// Host copies pin their arrays: with a compacting collection forced over and over on another thread, thousands of
/// fresh small arrays (the kind a collection moves: young, small) go to the device and back intact. How strong a
/// guard this is, measured once by hand with ILGPU's unpinned CopyFromCPU/CopyToCPU in place of PinnedHostCopy (what
/// the backend did before): 1, 1 and 2 of 2,000 rounds came back wrong in three runs, and some of 20,000 in a fourth;
/// so a regression fails this test most of the time, not always. The pinned copies: none wrong in 26,000 rounds.
/// </summary>
public class PinnedHostCopyTests
{
    private static IlgpuBackend Gpu => (IlgpuBackend)Agreement.IlgpuCpu.Backend;

    internal static int Stress(Action<ArrayView<double>, double[]> toDevice, Action<ArrayView<double>, double[]> toHost, int rounds)
    {
        using var block = new DeviceScratch(Gpu, 64);
        var view = block.View;
        int wrong = 0;
        bool done = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref done)) GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: true);
        });
        collector.Start();
        try
        {
            var keep = new List<double[]>();
            for (int r = 0; r < rounds; r++)
            {
                // garbage between the arrays we copy, so that a collection has something to compact them over
                for (int g = 0; g < 4; g++) keep.Add(new double[16 + g]);
                if (keep.Count > 64) keep.RemoveRange(0, 32);
                var source = new double[64];
                for (int i = 0; i < source.Length; i++) source[i] = r * 1000.0 + i;
                toDevice(view, source);
                var back = new double[64];
                toHost(view, back);
                for (int i = 0; i < back.Length; i++)
                    if (back[i] != r * 1000.0 + i)
                    {
                        wrong++;
                        break;
                    }
            }
        }
        finally
        {
            Volatile.Write(ref done, true);
            collector.Join();
        }
        return wrong;
    }

    [Fact]
    public void CopiesSurviveCompactingCollections()
    {
        var stream = Gpu.Accelerator.DefaultStream;
        int wrong = Stress((v, a) => PinnedHostCopy.ToDevice(v, stream, a), (v, a) => PinnedHostCopy.ToHost(v, stream, a), 2_000);
        Assert.Equal(0, wrong);
    }

    /// <summary>A device block of doubles from the backend's pool, returned at the end.</summary>
    internal sealed class DeviceScratch : IDisposable
    {
        private readonly GpuBlock _block;

        public DeviceScratch(IlgpuBackend backend, int doubles)
        {
            _block = new GpuBlock(backend.Pool, 2L * doubles);
            View = _block.View.Cast<double>().SubView(0, doubles);
        }

        public ArrayView<double> View { get; }

        public void Dispose() => _block.Return();
    }
}
