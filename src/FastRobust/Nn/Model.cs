using FastRobust.Nn.Layers;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Nn;

/// <summary>
/// A sequential classifier built from a <see cref="ModelSpec"/>, or an ensemble of E such models of one
/// architecture whose parameters carry a leading member dimension and run in the same launches.
/// </summary>
public sealed class Model : IDisposable
{
    private Model(ModelSpec spec, Device device, int members, List<Layer> layers)
    {
        Spec = spec;
        Device = device;
        Members = members;
        Layers = layers;
        Parameters = layers.SelectMany(l => l.Parameters).ToList();
    }

    public ModelSpec Spec { get; }
    public Device Device { get; }

    /// <summary>E, the number of models run together (1 for an ordinary model).</summary>
    public int Members { get; }

    public IReadOnlyList<Layer> Layers { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public IEnumerable<Parameter> Trainable => Parameters.Where(p => p.Trainable);

    /// <summary>Trainable values per member (what papers call the parameter count).</summary>
    public long ParameterCount => Trainable.Sum(p => p.MemberCount);

    /// <summary>
    /// A freshly initialised model with PyTorch's default initialisation (weights and biases of conv and linear
    /// layers uniform in ±1/√fan_in; batch norm γ = 1, β = 0, running mean 0 and variance 1). Member e of an
    /// ensemble draws from its own Philox streams, so members differ.
    /// </summary>
    public static Model Create(ModelSpec spec, Device device, ulong seed, int members = 1)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members));
        var layers = new List<Layer>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            int[] inShape = spec.Shapes[i];
            Parameter Make(string suffix, ParameterKind kind, int[] shape, Func<int, ulong, float[]> init)
            {
                long per = Tensor.Numel(shape);
                var all = new float[per * members];
                for (int e = 0; e < members; e++)
                    init(e, (ulong)(i * 8 + (int)kind) + ((ulong)e << 32)).CopyTo(all, per * e);
                int[] full = members == 1 ? shape : [members, .. shape];
                return new Parameter($"{i}.{suffix}", kind, shape, Tensor.FromArray(all, full, device).KeepAlive());
            }
            float[] UniformInit(int[] shape, int fanIn, ulong stream)
            {
                float bound = 1f / MathF.Sqrt(fanIn);
                var v = new float[Tensor.Numel(shape)];
                for (int j = 0; j < v.Length; j++) v[j] = (2f * Philox.Uniform(seed, stream, 0, j) - 1f) * bound;
                return v;
            }
            float[] Const(int[] shape, float value) => Enumerable.Repeat(value, (int)Tensor.Numel(shape)).ToArray();
            switch (l.Type)
            {
                case "conv2d":
                {
                    int[] ws = [l.Out, inShape[0], l.Kernel, l.Kernel];
                    int fanIn = inShape[0] * l.Kernel * l.Kernel;
                    var w = Make("weight", ParameterKind.Weight, ws, (_, s) => UniformInit(ws, fanIn, s));
                    var b = l.Bias ? Make("bias", ParameterKind.Bias, [l.Out], (_, s) => UniformInit([l.Out], fanIn, s)) : null;
                    layers.Add(new Conv2dLayer(i, l, w, b));
                    break;
                }
                case "linear":
                {
                    int[] ws = [l.Out, inShape[0]];
                    var w = Make("weight", ParameterKind.Weight, ws, (_, s) => UniformInit(ws, inShape[0], s));
                    var b = l.Bias ? Make("bias", ParameterKind.Bias, [l.Out], (_, s) => UniformInit([l.Out], inShape[0], s)) : null;
                    layers.Add(new LinearLayer(i, l, w, b));
                    break;
                }
                case "batchnorm2d":
                {
                    int[] cs = [inShape[0]];
                    layers.Add(new BatchNormLayer(i, l,
                        Make("weight", ParameterKind.Weight, cs, (_, _) => Const(cs, 1f)),
                        Make("bias", ParameterKind.Bias, cs, (_, _) => Const(cs, 0f)),
                        Make("running_mean", ParameterKind.RunningMean, cs, (_, _) => Const(cs, 0f)),
                        Make("running_var", ParameterKind.RunningVar, cs, (_, _) => Const(cs, 1f))));
                    break;
                }
                case "normalize": layers.Add(new NormalizeLayer(i, l, device)); break;
                case "relu": layers.Add(new ReluLayer(i, l)); break;
                case "gelu": layers.Add(new GeluLayer(i, l)); break;
                case "maxpool2d": layers.Add(new MaxPoolLayer(i, l)); break;
                case "avgpool2d": layers.Add(new AvgPoolLayer(i, l)); break;
                case "global_avgpool": layers.Add(new GlobalAvgPoolLayer(i, l)); break;
                case "dropout": layers.Add(new DropoutLayer(i, l)); break;
                case "flatten": layers.Add(new FlattenLayer(i, l)); break;
                default: throw new InputException($"layer {i}: unknown type '{l.Type}'");
            }
        }
        return new Model(spec, device, members, layers);
    }

    /// <summary>Loads a spec (JSON) and its weights (safetensors with nn.Sequential names).</summary>
    public static Model Load(string specPath, string weightsPath, Device device)
    {
        var spec = ModelSpec.Load(specPath);
        var model = Create(spec, device, seed: 0);
        model.LoadWeights(weightsPath);
        return model;
    }

    /// <summary>
    /// Replaces every parameter with the file's values. Every expected tensor must be present with its exact
    /// PyTorch shape; extra tensors (other than num_batches_tracked) are an error too, since they mean the file
    /// belongs to another architecture.
    /// </summary>
    public void LoadWeights(string path)
    {
        if (Members != 1) throw new InvalidOperationException("load weights into single models, then stack them into an ensemble");
        var arrays = SafeTensors.Read(path);
        foreach (var p in Parameters)
        {
            if (!arrays.TryGetValue(p.Name, out var a))
                throw new InputException($"{path}: missing tensor '{p.Name}' (shape {Tensor.ShapeString(p.MemberShape)}) required by the spec");
            if (!a.Shape.AsSpan().SequenceEqual(p.MemberShape))
                throw new InputException($"{path}: tensor '{p.Name}' has shape {Tensor.ShapeString(a.Shape)}, the spec needs {Tensor.ShapeString(p.MemberShape)}");
            if (a.DType != "F32") throw new InputException($"{path}: tensor '{p.Name}' has dtype {a.DType}, expected F32");
        }
        var known = Parameters.Select(p => p.Name).ToHashSet();
        foreach (var name in arrays.Keys)
            if (!known.Contains(name) && !name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                throw new InputException($"{path}: unexpected tensor '{name}' (not a parameter of this spec)");
        foreach (var p in Parameters) Device.Backend.Upload(arrays[p.Name].Values, p.Value.Buffer);
    }

    /// <summary>The weights as nn.Sequential's state_dict would hold them (num_batches_tracked included).</summary>
    public List<NamedArray> StateDict(int member = 0)
    {
        var list = new List<NamedArray>();
        foreach (var p in Parameters)
        {
            var values = new float[p.MemberCount];
            Device.Backend.Download(p.Value.Buffer, member * p.MemberCount, values);
            list.Add(new NamedArray(p.Name, "F32", p.MemberShape, values));
            if (p.Kind == ParameterKind.RunningVar)
                list.Add(new NamedArray(p.Name.Replace("running_var", "num_batches_tracked"), "I64", [], [0f]));
        }
        return list;
    }

    public void SaveWeights(string path, int member = 0, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Write(path, StateDict(member), metadata);

    /// <summary>Writes DIR/model.json and DIR/model.safetensors.</summary>
    public void Save(string dir, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(dir);
        Spec.Save(Path.Combine(dir, "model.json"));
        SaveWeights(Path.Combine(dir, "model.safetensors"), 0, metadata);
    }

    /// <summary>Logits [N, classes] (or [E, N, classes] for an ensemble) of images [N, C, H, W] in [0, 1].</summary>
    public Tensor Forward(Tensor x, ForwardContext? ctx = null)
    {
        ctx ??= ForwardContext.Eval;
        int[] expect = Spec.Input;
        if (x.Rank < 4 || x.Shape[^3] != expect[0] || x.Shape[^2] != expect[1] || x.Shape[^1] != expect[2])
            throw new ArgumentException($"model expects images [N, {expect[0]}, {expect[1]}, {expect[2]}], got {Tensor.ShapeString(x.Shape)}");
        if (x.Device != Device) throw new ArgumentException($"input on {x.Device}, model on {Device}");
        var h = x;
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            long t0 = OpProfiler.Start();
            if (layer is Conv2dLayer conv && i + 1 < Layers.Count && Layers[i + 1] is ReluLayer)
            {
                // a convolution followed by a ReLU runs as one op: the ReLU is applied in the convolution's store
                h = conv.ForwardRelu(h);
                i++;
                OpProfiler.Stop("conv2d+relu.forward", t0);
                continue;
            }
            h = layer.Forward(h, ctx);
            OpProfiler.Stop(layer.Spec.Type + ".forward", t0);
        }
        return h;
    }

    /// <summary>Turns weight gradients on (training) or off (attacks: only ∂/∂input is computed).</summary>
    public void SetRequiresGrad(bool on)
    {
        foreach (var p in Trainable) p.Value.RequiresGrad = on;
    }

    /// <summary>An ensemble whose member e is a copy of models[e] (same spec, same device).</summary>
    public static Model Stack(IReadOnlyList<Model> models)
    {
        var first = models[0];
        if (models.Any(m => m.Members != 1 || m.Device != first.Device || m.Spec.ToJson() != first.Spec.ToJson()))
            throw new ArgumentException("stack needs single models of one spec on one device");
        var ens = Create(first.Spec, first.Device, 0, models.Count);
        for (int e = 0; e < models.Count; e++)
            for (int i = 0; i < ens.Parameters.Count; i++)
            {
                var src = models[e].Parameters[i];
                first.Device.Backend.Copy(src.Value.Buffer, 0, ens.Parameters[i].Value.Buffer, e * src.MemberCount, src.MemberCount);
            }
        return ens;
    }

    /// <summary>A single model holding a copy of member e.</summary>
    public Model Member(int e)
    {
        var m = Create(Spec, Device, 0, 1);
        for (int i = 0; i < Parameters.Count; i++)
            Device.Backend.Copy(Parameters[i].Value.Buffer, e * Parameters[i].MemberCount, m.Parameters[i].Value.Buffer, 0, Parameters[i].MemberCount);
        return m;
    }

    /// <summary>A deep copy (same members, same device).</summary>
    public Model Clone()
    {
        var m = Create(Spec, Device, 0, Members);
        for (int i = 0; i < Parameters.Count; i++) m.Parameters[i].Value.CopyFrom(Parameters[i].Value);
        return m;
    }

    public void Dispose()
    {
        foreach (var p in Parameters)
        {
            p.Value.Grad?.Dispose();
            p.Value.Dispose();
        }
    }
}
