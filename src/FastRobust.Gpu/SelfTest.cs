using System.Diagnostics;
using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Shifts.Generation;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Gpu;

/// <summary>
/// The agreement checks of tests/FastRobust.Gpu.Tests in a form that runs where there is no SDK: every op of the
/// backend against the cpu backend on fresh random shapes and inputs (outputs poisoned with NaN first), then a
/// few training steps with dropout and a few PGD steps of a tiny model. The CLI runs it as the hidden verb
/// <c>gpu-selftest [--device cuda|ilgpu-cpu] [--seed N]</c> (bench/gpu-check.sh does, on a machine with a GPU);
/// the test suite runs it on ilgpu-cpu so it cannot rot. Prints one line per check and a closing
/// "N passed, M failed" line; the exit code is 0 only when all passed.
/// </summary>
public static class SelfTest
{
    public static int Main(string[] args)
    {
        string device = "cuda";
        int? seed = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--device" && i + 1 < args.Length) device = args[++i];
            else if (args[i] == "--seed" && i + 1 < args.Length) seed = int.Parse(args[++i]);
            else
            {
                Console.Error.WriteLine("usage: gpu-selftest [--device cuda|ilgpu-cpu] [--seed N]");
                return 2;
            }
        }
        GpuDevices.Register();
        Device dev;
        try
        {
            dev = Device.Parse(device);
        }
        catch (FastRobust.Util.InputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        Console.WriteLine($"gpu-selftest on {GpuDevices.Describe(dev)}");
        var (passed, failed) = Run(dev, seed ?? (int)(DateTime.UtcNow.Ticks & 0x7FFFFFFF), Console.Out);
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs every check on <paramref name="gpu"/>; returns the counts. <paramref name="scale"/> shrinks the random
    /// shapes (ILGPU's CPU accelerator runs one OS thread per GPU thread, so the test suite uses about a quarter).
    /// </summary>
    public static (int Passed, int Failed) Run(Device gpu, int seed, TextWriter log, double scale = 1.0)
    {
        int passed = 0, failed = 0;
        foreach (var (name, check) in Checks(scale))
        {
            var c = new Checker(gpu, seed++, scale);
            var sw = Stopwatch.StartNew();
            try
            {
                check(c);
                gpu.Backend.Synchronize();
                passed++;
                log.WriteLine($"ok   {name} ({sw.Elapsed.TotalMilliseconds:F0} ms)");
            }
            catch (Exception e)
            {
                failed++;
                log.WriteLine($"FAIL {name}: {e.Message} (seed {c.Seed})");
            }
        }
        return (passed, failed);
    }

    private sealed class CheckFailed(string message) : Exception(message);

    /// <summary>Random inputs on both backends and the comparisons (relative error ≤ 1e-4 unless exact).</summary>
    private sealed class Checker(Device gpu, int seed, double scale)
    {
        public int Seed { get; } = seed;
        private readonly System.Random _rng = new(seed);
        public Backend C => Device.Cpu.Backend;
        public Backend G => gpu.Backend;
        public Device Gpu => gpu;

        /// <summary>Uniform in [lo, hi) with the range shrunk by the run's scale (never below one value).</summary>
        public int Int(int lo, int hi) => _rng.Next(lo, lo + Math.Max(1, (int)((hi - lo) * scale)));

        /// <summary>Uniform in [lo, hi) whatever the scale (labels, classes of a fixed model).</summary>
        public int IntExact(int lo, int hi) => _rng.Next(lo, hi);

        public float[] Rand(long n, float lo = -1f, float hi = 1f)
        {
            var a = new float[n];
            for (long i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)_rng.NextDouble();
            return a;
        }

        public (FloatBuffer C, FloatBuffer G) Both(float[] v)
        {
            var c = C.Alloc(v.Length);
            C.Upload(v, c);
            var g = G.Alloc(v.Length);
            G.Upload(v, g);
            return (c, g);
        }

        public (FloatBuffer C, FloatBuffer G) BothRand(long n, float lo = -1f, float hi = 1f) => Both(Rand(n, lo, hi));

        public (FloatBuffer C, FloatBuffer G) Poisoned(long n) => Both(Enumerable.Repeat(float.NaN, (int)n).ToArray());

        public (IntBuffer C, IntBuffer G) BothInt(int[] v)
        {
            var c = C.AllocInt(v.Length);
            C.UploadInt(v, c);
            var g = G.AllocInt(v.Length);
            G.UploadInt(v, g);
            return (c, g);
        }

        public static float[] Down(Backend b, FloatBuffer buf, long n)
        {
            var a = new float[n];
            b.Download(buf, 0, a);
            return a;
        }

        public void Close(float[] e, float[] a, string what, double tol = 1e-4)
        {
            double scale = 0;
            foreach (var v in e) if (float.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < e.Length; i++)
            {
                if (float.IsNaN(e[i]) || float.IsNaN(a[i]))
                {
                    if (float.IsNaN(e[i]) && float.IsNaN(a[i])) continue;
                    throw new CheckFailed($"{what}[{i}]: cpu {e[i]}, {gpu.Name} {a[i]}");
                }
                double err = Math.Abs((double)e[i] - a[i]) / Math.Max(Math.Max(Math.Abs(e[i]), 1e-2 * scale), 1e-6);
                if (err > tol) throw new CheckFailed($"{what}[{i}]: cpu {e[i]}, {gpu.Name} {a[i]}, relative error {err:E2}");
            }
        }

        public void Close((FloatBuffer C, FloatBuffer G) b, long n, string what, double tol = 1e-4) =>
            Close(Down(C, b.C, n), Down(G, b.G, n), what, tol);

        public void Exact((FloatBuffer C, FloatBuffer G) b, long n, string what)
        {
            var e = Down(C, b.C, n);
            var a = Down(G, b.G, n);
            for (int i = 0; i < n; i++)
                if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]))
                    throw new CheckFailed($"{what}[{i}]: cpu {e[i]:R}, {gpu.Name} {a[i]:R} differ in bits");
        }

        public void ExactInt((IntBuffer C, IntBuffer G) b, int n, string what)
        {
            var e = new int[n];
            var a = new int[n];
            C.DownloadInt(b.C, e);
            G.DownloadInt(b.G, a);
            if (!e.SequenceEqual(a)) throw new CheckFailed($"{what} differs");
        }

        /// <summary>Runs the same op on both backends.</summary>
        public void Both(Action<Backend, bool> op)
        {
            op(C, false);
            op(G, true);
        }
    }

    private static IEnumerable<(string, Action<Checker>)> Checks(double scale)
    {
        foreach (var op in Enum.GetValues<UnaryOp>())
            yield return ($"unary {op} and backward", t =>
            {
                int n = t.Int(1, 5000);
                var x = t.Both(op is UnaryOp.Log or UnaryOp.Sqrt ? t.Rand(n, 0.05f, 4f) : t.Rand(n, -4f, 4f));
                var dy = t.BothRand(n);
                var y = t.Poisoned(n);
                var dx = t.Poisoned(n);
                t.Both((b, g) => b.Unary(op, g ? x.G : x.C, g ? y.G : y.C, n));
                t.Both((b, g) => b.UnaryBackward(op, g ? x.G : x.C, g ? dy.G : dy.C, g ? dx.G : dx.C, n));
                t.Close(y, n, op.ToString());
                t.Close(dx, n, op + " backward");
            });
        foreach (var op in Enum.GetValues<BinaryOp>())
            yield return ($"binary {op} and row", t =>
            {
                int rows = t.Int(1, 20), cols = t.Int(1, 300), n = rows * cols;
                var a = t.BothRand(n);
                var bb = t.Both(t.Rand(n, 0.5f, 2f));
                var r = t.Both(t.Rand(rows, 0.5f, 2f));
                var y = t.Poisoned(n);
                var yr = t.Poisoned(n);
                t.Both((b, g) => b.Binary(op, g ? a.G : a.C, g ? bb.G : bb.C, g ? y.G : y.C, n));
                t.Both((b, g) => b.BinaryRow(op, g ? a.G : a.C, g ? r.G : r.C, g ? yr.G : yr.C, rows, cols));
                t.Exact(y, n, op.ToString());
                t.Exact(yr, n, op + " row");
            });
        yield return ("affine, axpby, clamp, clamp backward, max/min backward", t =>
        {
            int n = t.Int(1, 5000);
            var x = t.BothRand(n, -2f, 2f);
            var x2 = t.BothRand(n, -2f, 2f);
            var z = t.BothRand(n);
            var dy = t.BothRand(n);
            var (y, c, dx, da, db, da2, db2) = (t.Poisoned(n), t.Poisoned(n), t.Poisoned(n), t.Poisoned(n), t.Poisoned(n), t.Poisoned(n), t.Poisoned(n));
            t.Both((b, g) => b.Affine(g ? x.G : x.C, g ? y.G : y.C, n, 0.7f, -0.2f));
            t.Both((b, g) => b.Axpby(g ? x.G : x.C, g ? z.G : z.C, n, 0.3f, 0.9f));
            t.Both((b, g) => b.Clamp(g ? x.G : x.C, g ? c.G : c.C, n, -0.5f, 0.75f));
            t.Both((b, g) => b.ClampBackward(g ? x.G : x.C, g ? dy.G : dy.C, g ? dx.G : dx.C, n, -0.5f, 0.75f));
            t.Both((b, g) => b.MaxMinBackward(true, g ? x.G : x.C, g ? x2.G : x2.C, g ? dy.G : dy.C, g ? da.G : da.C, g ? db.G : db.C, n));
            t.Both((b, g) => b.MaxMinBackward(false, g ? x.G : x.C, g ? x2.G : x2.C, g ? dy.G : dy.C, g ? da2.G : da2.C, g ? db2.G : db2.C, n));
            t.Close(y, n, "affine");
            t.Close(z, n, "axpby");
            t.Exact(c, n, "clamp");
            t.Exact(dx, n, "clamp backward");
            t.Exact(da, n, "max da");
            t.Exact(db, n, "max db");
            t.Exact(da2, n, "min da");
            t.Exact(db2, n, "min db");
        });
        yield return ("channel affine, add bias", t =>
        {
            int e = t.Int(1, 3), n = t.Int(1, 8), ch = t.Int(1, 20), inner = t.Int(1, 100);
            long count = (long)e * n * ch * inner;
            var x = t.BothRand(count);
            var s = t.BothRand(ch);
            var sh = t.BothRand(ch);
            var bias = t.BothRand((long)e * ch);
            var y = t.Poisoned(count);
            t.Both((b, g) => b.ChannelAffine(g ? x.G : x.C, g ? s.G : s.C, g ? sh.G : sh.C, g ? y.G : y.C, e * n, ch, inner));
            t.Both((b, g) => b.AddBias(g ? x.G : x.C, g ? bias.G : bias.C, e, n, ch, inner));
            t.Close(y, count, "channel affine");
            t.Exact(x, count, "add bias");
        });
        foreach (var op in Enum.GetValues<RowReduce>())
            yield return ($"reduce rows {op}", t =>
            {
                int rows = t.Int(1, 10), cols = t.Int(1, 3000);
                var xv = t.Rand((long)rows * cols, -3f, 3f);
                for (int i = 0; i < xv.Length; i += 3) xv[i] = 0f;
                var x = t.Both(xv);
                var y = t.Poisoned(rows);
                t.Both((b, g) => b.ReduceRows(op, g ? x.G : x.C, g ? y.G : y.C, rows, cols));
                t.Close(y, rows, op.ToString());
            });
        yield return ("sum middle (both paths), argmax, count correct", t =>
        {
            foreach (var (outer, mid, inner) in new[] { (40, 7, 60), (2, 3000, 3) })
            {
                var x = t.BothRand((long)outer * mid * inner);
                var y = t.BothRand((long)outer * inner);
                t.Both((b, g) => b.SumMiddle(g ? x.G : x.C, g ? y.G : y.C, outer, mid, inner, true));
                t.Close(y, (long)outer * inner, $"sum middle {outer}x{mid}x{inner}");
            }
            int e = t.Int(1, 4), n = t.Int(1, 200), classes = t.Int(2, 20), rows = e * n;
            var logits = t.BothRand((long)rows * classes);
            var idx = (C: t.C.AllocInt(rows), G: t.G.AllocInt(rows));
            var labels = t.BothInt(Enumerable.Range(0, n).Select(_ => t.IntExact(0, classes)).ToArray());
            var counts = t.Both(new float[e]);
            t.Both((b, g) => b.ArgMaxRows(g ? logits.G : logits.C, g ? idx.G : idx.C, rows, classes));
            t.Both((b, g) => b.CountCorrect(g ? logits.G : logits.C, g ? labels.G : labels.C, g ? counts.G : counts.C, rows, classes, n));
            t.ExactInt(idx, rows, "argmax");
            t.Exact(counts, e, "count correct");
        });
        yield return ("softmax cross-entropy forward/backward, softmax", t =>
        {
            int e = t.Int(1, 3), n = t.Int(1, 300), classes = t.Int(2, 100), rows = e * n;
            long count = (long)rows * classes;
            var logits = t.BothRand(count, -6f, 6f);
            var labels = t.BothInt(Enumerable.Range(0, n).Select(_ => t.IntExact(0, classes)).ToArray());
            var dl = t.BothRand(rows);
            var (losses, probs, dlogits, sm) = (t.Poisoned(rows), t.Poisoned(count), t.Poisoned(count), t.Poisoned(count));
            t.Both((b, g) => b.SoftmaxCrossEntropyForward(g ? logits.G : logits.C, g ? labels.G : labels.C, g ? losses.G : losses.C,
                g ? probs.G : probs.C, rows, classes, n, 0.1f));
            t.Both((b, g) => b.SoftmaxCrossEntropyBackward(g ? probs.G : probs.C, g ? labels.G : labels.C, g ? dl.G : dl.C,
                g ? dlogits.G : dlogits.C, rows, classes, n, 0.1f));
            t.Both((b, g) => b.Softmax(g ? logits.G : logits.C, g ? sm.G : sm.C, rows, classes));
            t.Close(losses, rows, "losses");
            t.Close(probs, count, "probs");
            t.Close(dlogits, count, "dlogits");
            t.Close(sm, count, "softmax");
        });
        yield return ("Philox uniform/normal/dropout, random crop and flip", t =>
        {
            int n = t.Int(1, 20000);
            ulong seed = (ulong)t.Int(0, int.MaxValue), stream = (ulong)t.Int(0, 99), offset = (ulong)t.Int(0, 1 << 30);
            var (u, nrm, y, mask) = (t.Poisoned(n), t.Poisoned(n), t.Poisoned(n), t.Poisoned(n));
            var x = t.BothRand(n);
            t.Both((b, g) => b.FillUniform(g ? u.G : u.C, n, seed, stream, offset, -1f, 2f));
            t.Both((b, g) => b.FillNormal(g ? nrm.G : nrm.C, n, seed, stream, offset, 0.5f, 2f));
            t.Both((b, g) => b.DropoutForward(g ? x.G : x.C, g ? y.G : y.C, g ? mask.G : mask.C, n, 0.3f, seed, stream, offset));
            t.Exact(u, n, "uniform");
            t.Close(nrm, n, "normal", 1e-5);
            t.Exact(mask, n, "dropout mask");
            t.Exact(y, n, "dropout");
            int imgs = t.Int(1, 8), c = 3, h = t.Int(4, 33), w = t.Int(4, 33);
            long count = (long)imgs * c * h * w;
            var xi = t.BothRand(count);
            var yi = t.Poisoned(count);
            t.Both((b, g) => b.RandomCropFlip(g ? xi.G : xi.C, g ? yi.G : yi.C, imgs, c, h, w, 4, true, seed, stream, offset));
            t.Exact(yi, count, "crop/flip");
        });
        yield return ("SGD, Adam, RMSprop steps", t =>
        {
            int n = t.Int(1, 5000);
            var (p1, p2, p3) = (t.BothRand(n), t.BothRand(n), t.BothRand(n));
            var gr = t.BothRand(n);
            var (buf, m, v, sq, mb) = (t.BothRand(n), t.BothRand(n, -0.1f, 0.1f), t.BothRand(n, 0f, 0.1f), t.BothRand(n, 0f, 0.1f), t.BothRand(n));
            t.Both((b, g) => b.SgdStep(g ? p1.G : p1.C, g ? gr.G : gr.C, g ? buf.G : buf.C, n, 0.1f, 0.9f, 0f, 5e-4f, true, false));
            t.Both((b, g) => b.AdamStep(g ? p2.G : p2.C, g ? gr.G : gr.C, g ? m.G : m.C, g ? v.G : v.C, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, true, 7));
            t.Both((b, g) => b.RmspropStep(g ? p3.G : p3.C, g ? gr.G : gr.C, g ? sq.G : sq.C, g ? mb.G : mb.C, n, 1e-3f, 0.99f, 1e-8f, 1e-4f, 0.9f));
            t.Close(p1, n, "sgd");
            t.Close(buf, n, "sgd momentum");
            t.Close(p2, n, "adam");
            t.Close(p3, n, "rmsprop");
        });
        foreach (var (k, s, p) in new[] { (2, 2, 0), (3, 2, 1) })
            yield return ($"max/avg pool {k}x{k} stride {s} pad {p}", t =>
            {
                var geo = new PoolGeometry(t.Int(1, 9), t.Int(1, 9), t.Int(k, 34), t.Int(k, 34), k, k, s, s, p, p);
                long inputs = (long)geo.B * geo.C * geo.H * geo.W;
                var x = t.BothRand(inputs);
                var dy = t.BothRand(geo.OutputCount);
                var (y, ya, dx, dxa) = (t.Poisoned(geo.OutputCount), t.Poisoned(geo.OutputCount), t.Poisoned(inputs), t.Poisoned(inputs));
                var idx = (C: t.C.AllocInt(geo.OutputCount), G: t.G.AllocInt(geo.OutputCount));
                t.Both((b, g) => b.MaxPool2dForward(geo, g ? x.G : x.C, g ? y.G : y.C, g ? idx.G : idx.C));
                t.Both((b, g) => b.MaxPool2dBackward(geo, g ? dy.G : dy.C, g ? idx.G : idx.C, g ? dx.G : dx.C));
                t.Both((b, g) => b.AvgPool2dForward(geo, g ? x.G : x.C, g ? ya.G : ya.C));
                t.Both((b, g) => b.AvgPool2dBackward(geo, g ? dy.G : dy.C, g ? dxa.G : dxa.C));
                t.Exact(y, geo.OutputCount, "max pool");
                t.ExactInt(idx, (int)geo.OutputCount, "max pool argmax");
                t.Exact(dx, inputs, "max pool backward");
                t.Close(ya, geo.OutputCount, "avg pool");
                t.Close(dxa, inputs, "avg pool backward");
            });
        yield return ("batch norm train/eval forward and backward", t =>
        {
            var geo = new BatchNormGeometry(t.Int(1, 3), t.Int(2, 64), t.Int(1, 40), t.Int(1, 300));
            long ec = (long)geo.E * geo.C;
            var x = t.BothRand(geo.Count, -2f, 3f);
            var dy = t.BothRand(geo.Count);
            var gamma = t.BothRand(ec, 0.5f, 1.5f);
            var beta = t.BothRand(ec);
            var rm = t.BothRand(ec);
            var rv = t.BothRand(ec, 0.5f, 2f);
            var (y, mean, inv, dx, dgm, dbt) = (t.Poisoned(geo.Count), t.Poisoned(ec), t.Poisoned(ec), t.Poisoned(geo.Count), t.Poisoned(ec), t.Poisoned(ec));
            var (ye, dxe, dge, dbe) = (t.Poisoned(geo.Count), t.Poisoned(geo.Count), t.Poisoned(ec), t.Poisoned(ec));
            t.Both((b, g) => b.BatchNormTrainForward(geo, g ? x.G : x.C, g ? gamma.G : gamma.C, g ? beta.G : beta.C, g ? y.G : y.C,
                g ? mean.G : mean.C, g ? inv.G : inv.C, g ? rm.G : rm.C, g ? rv.G : rv.C, 0.1f, 1e-5f));
            t.Both((b, g) => b.BatchNormBackward(geo, g ? x.G : x.C, g ? dy.G : dy.C, g ? gamma.G : gamma.C, g ? mean.G : mean.C,
                g ? inv.G : inv.C, g ? dx.G : dx.C, g ? dgm.G : dgm.C, g ? dbt.G : dbt.C));
            t.Both((b, g) => b.BatchNormEvalForward(geo, g ? x.G : x.C, g ? gamma.G : gamma.C, g ? beta.G : beta.C, g ? rm.G : rm.C,
                g ? rv.G : rv.C, 1e-5f, g ? ye.G : ye.C));
            t.Both((b, g) => b.BatchNormEvalBackward(geo, g ? x.G : x.C, g ? dy.G : dy.C, g ? gamma.G : gamma.C, g ? rm.G : rm.C,
                g ? rv.G : rv.C, 1e-5f, g ? dxe.G : dxe.C, g ? dge.G : dge.C, g ? dbe.G : dbe.C));
            t.Close(y, geo.Count, "bn y");
            t.Close(mean, ec, "bn mean");
            t.Close(inv, ec, "bn inv std");
            t.Close(rm, ec, "bn running mean");
            t.Close(rv, ec, "bn running var");
            t.Close(dx, geo.Count, "bn dx");
            t.Close(dgm, ec, "bn dgamma");
            t.Close(dbt, ec, "bn dbeta");
            t.Close(ye, geo.Count, "bn eval y");
            t.Close(dxe, geo.Count, "bn eval dx");
            t.Close(dge, ec, "bn eval dgamma");
            t.Close(dbe, ec, "bn eval dbeta");
        });
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                yield return ($"gemm {(ta ? "T" : "N")}{(tb ? "T" : "N")}", t =>
                {
                    int m = t.Int(1, 300), n = t.Int(1, 300), k = t.Int(1, 300), batch = t.Int(1, 4);
                    int lda = ta ? m : k, ldb = tb ? k : n;
                    long aSize = (long)m * k, bSize = (long)k * n, cSize = (long)m * n;
                    var a = t.BothRand(aSize);
                    var bb = t.BothRand(bSize * batch);
                    var c = t.Poisoned(cSize * batch);
                    var c2 = t.BothRand(cSize * batch);
                    t.Both((b, g) => b.Gemm(ta, tb, m, n, k, 1.5f, g ? a.G : a.C, 0, lda, 0, g ? bb.G : bb.C, 0, ldb, bSize, 0f,
                        g ? c.G : c.C, 0, n, cSize, batch));
                    t.Both((b, g) => b.Gemm(ta, tb, m, n, k, 0.5f, g ? a.G : a.C, 0, lda, 0, g ? bb.G : bb.C, 0, ldb, bSize, 0.7f,
                        g ? c2.G : c2.C, 0, n, cSize, batch));
                    t.Close(c, cSize * batch, "gemm beta 0");
                    t.Close(c2, cSize * batch, "gemm beta 0.7");
                });
        foreach (var (e, k, s, p, bc) in new[] { (1, 3, 1, 1, false), (2, 3, 2, 1, true), (3, 1, 1, 0, false), (1, 5, 2, 2, false) })
            yield return ($"conv2d k{k} s{s} p{p} E{e}{(bc ? " broadcast" : "")}: forward, data and weight gradients", t =>
            {
                var geo = new ConvGeometry(e, t.Int(1, 9), t.Int(1, 40), t.Int(k, 20), t.Int(k, 20), t.Int(1, 100), k, k, s, s, p, p, bc);
                long xCount = (bc ? 1 : e) * geo.N * geo.InputImage, yCount = (long)e * geo.N * geo.OutputImage;
                long wCount = e * geo.WeightMember, bCount = (long)e * geo.O;
                var x = t.BothRand(xCount);
                var w = t.BothRand(wCount);
                var bias = t.BothRand(bCount);
                var dy = t.BothRand(yCount);
                var (y, dx, dw, db) = (t.Poisoned(yCount), t.Poisoned(xCount), t.Poisoned(wCount), t.Poisoned(bCount));
                t.Both((b, g) => b.Conv2dForward(geo, g ? x.G : x.C, g ? w.G : w.C, g ? bias.G : bias.C, g ? y.G : y.C));
                t.Both((b, g) => b.Conv2dBackwardData(geo, g ? dy.G : dy.C, g ? w.G : w.C, g ? dx.G : dx.C));
                t.Both((b, g) => b.Conv2dBackwardWeight(geo, g ? x.G : x.C, g ? dy.G : dy.C, g ? dw.G : dw.C, g ? db.G : db.C));
                t.Close(y, yCount, "conv forward");
                t.Close(dx, xCount, "conv backward data");
                t.Close(dw, wCount, "conv backward weight");
                t.Close(db, bCount, "conv backward bias");
            });
        yield return ("tiny model: 3 SGD steps with dropout, then 3 PGD steps", t =>
        {
            int side = scale < 1 ? 8 : 16, n = scale < 1 ? 4 : 16;
            var spec = ModelSpec.Parse($$"""
                { "input": [3, {{side}}, {{side}}], "classes": 10, "layers": [
                  {"type": "conv2d", "out": 16, "kernel": 3, "padding": 1, "bias": false}, {"type": "batchnorm2d"}, {"type": "relu"},
                  {"type": "maxpool2d", "kernel": 2},
                  {"type": "conv2d", "out": 32, "kernel": 3, "padding": 1}, {"type": "gelu"}, {"type": "avgpool2d", "kernel": 2},
                  {"type": "dropout", "p": 0.25}, {"type": "flatten"}, {"type": "linear", "out": 10} ] }
                """);
            var xs = t.Rand((long)n * 3 * side * side, 0f, 1f);
            var ys = Enumerable.Range(0, n).Select(_ => t.IntExact(0, 10)).ToArray();
            var results = new[] { Device.Cpu, t.Gpu }.Select(dev =>
            {
                var trace = new List<float[]>();
                using var model = Model.Create(spec, dev, (ulong)t.Seed);
                using var x = Tensor.FromArray(xs, [n, 3, side, side], dev).KeepAlive();
                using var y = IntTensor.FromArray(ys, dev);
                model.SetRequiresGrad(true);
                var opt = new Sgd(model.Parameters, 0.05f, momentum: 0.9f);
                var rng = new PhiloxStream((ulong)t.Seed, 3);
                for (int step = 0; step < 3; step++)
                {
                    using var loss = TrainStep.Run(model, opt, x, y, rng);
                    trace.Add(loss.ToArray());
                }
                trace.Add(model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray());
                model.SetRequiresGrad(false);
                var adv = x.Clone().KeepAlive();
                for (int step = 0; step < 3; step++)
                {
                    using var scope = new TensorScope();
                    adv.RequiresGrad = true;
                    Tape.Backward(Ops.CrossEntropy(model.Forward(adv), y));
                    var g = adv.Grad!;
                    adv.Grad = null;
                    adv.RequiresGrad = false;
                    trace.Add(g.ToArray());
                    dev.Backend.Unary(UnaryOp.Sign, g.Buffer, g.Buffer, g.Count);
                    dev.Backend.Axpby(g.Buffer, adv.Buffer, g.Count, 2f / 255f, 1f);
                    g.Dispose();
                }
                adv.Dispose();
                return trace;
            }).ToArray();
            string[] names = ["loss 1", "loss 2", "loss 3", "parameters after 3 steps", "input gradient 1", "input gradient 2", "input gradient 3"];
            for (int i = 0; i < names.Length; i++) t.Close(results[0][i], results[1][i], names[i], i == 3 ? 2e-4 : 1e-3);
        });
        foreach (string name in GpuCorruptions.Names)
            yield return ($"corruption {name}: the host's bytes at severities 1-5", t =>
            {
                // the tests hold each kernel to its own stated tolerance; here the one that covers them all: at most a
                // level off, in at most 1 of 1,000 values (KMath's transcendentals against .NET's in the last bits)
                var corruption = Corruptions.Get(name);
                foreach (var shape in new[] { new ImageShape(3, 32, 32), new ImageShape(1, 28, 28) })
                {
                    if (shape.C == 1 && !corruption.SupportsGray) continue;
                    int n = scale < 1 ? 4 : 64;
                    var images = CorruptionSamples.Smooth(new System.Random(t.Seed), n, shape);
                    for (int s = 1; s <= Corruptions.Severities; s++)
                    {
                        ulong seed = (ulong)t.Seed * 31 + (ulong)s;
                        var host = Corruptions.ApplyBytes(corruption, s, images, n, shape, seed, 1000);
                        var gpu = CorruptionKernelRegistry.For(t.G)!.ApplyBytes(corruption, s, images, n, shape, seed, 1000);
                        var (differing, levels) = CorruptionSamples.Compare(host, gpu);
                        if (levels > 1 || differing * 1000L > host.Length)
                            throw new CheckFailed($"{shape} severity {s}: {differing} of {host.Length} values differ from the host's, by up to {levels} levels");
                    }
                }
            });
    }
}
