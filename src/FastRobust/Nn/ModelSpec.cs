using System.Text.Json;
using System.Text.Json.Nodes;
using FastRobust.Util;

namespace FastRobust.Nn;

/// <summary>
/// A model architecture: input shape [C, H, W], number of classes and the layer list, as the JSON spec of
/// docs/model-files.md. Parsing checks every field and walks the shapes through the layers, so a bad spec fails at load
/// time with the file, the layer index and the problem, never in the middle of a run.
/// </summary>
public sealed class ModelSpec
{
    public ModelSpec(int[] input, int classes, IReadOnlyList<LayerSpec> layers)
    {
        Input = input;
        Classes = classes;
        Layers = layers;
        Shapes = InferShapes();
        ParameterCount = CountParameters();
        ModelMemory.Check(this);
    }

    public int[] Input { get; }
    public int Classes { get; }
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>Shapes[i] is the per-sample shape entering layer i; Shapes[^1] is the output ([classes]).</summary>
    public IReadOnlyList<int[]> Shapes { get; }

    /// <summary>Trainable values and batch-norm running statistics: what a weights file holds.</summary>
    public long ParameterCount { get; }

    /// <summary>Values of one sample's activations summed over every layer's output (what a forward pass keeps for backward).</summary>
    public double ActivationsPerSample => Shapes.Skip(1).Sum(s => s.Aggregate(1.0, (a, d) => a * d));

    public static ModelSpec Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: model spec not found");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputException($"{path}: cannot read model spec: {e.Message}"); }
        return Parse(text, path);
    }

    public static ModelSpec Parse(string json, string source = "model spec")
    {
        var root = JsonInput.Parse(json, source, "the model spec");
        if (root is not JsonObject obj) throw new InputException($"{source}: the spec must be a JSON object");
        foreach (var (key, _) in obj)
            if (key is not ("input" or "classes" or "layers"))
                throw new InputException($"{source}: unknown field '{key}' (expected input, classes, layers)");
        var input = IntArray(obj["input"], $"{source}: 'input'");
        if (input.Length != 3 || input.Any(d => d <= 0)) throw new InputException($"{source}: 'input' must be [C, H, W] with positive sizes");
        int classes = Int(obj["classes"], $"{source}: 'classes'");
        if (classes < 2) throw new InputException($"{source}: 'classes' must be at least 2");
        if (obj["layers"] is not JsonArray arr || arr.Count == 0) throw new InputException($"{source}: 'layers' must be a non-empty array");
        var layers = new List<LayerSpec>();
        for (int i = 0; i < arr.Count; i++) layers.Add(ParseLayer(arr[i], $"{source}: layer {i}"));
        try { return new ModelSpec(input, classes, layers); }
        catch (InputException e) { throw new InputException($"{source}: {e.Message}"); }
    }

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["normalize"] = ["mean", "std"],
        ["conv2d"] = ["out", "kernel", "stride", "padding", "bias"],
        ["linear"] = ["out", "bias"],
        ["batchnorm2d"] = [],
        ["relu"] = [],
        ["gelu"] = [],
        ["maxpool2d"] = ["kernel", "stride", "padding"],
        ["avgpool2d"] = ["kernel"],
        ["global_avgpool"] = [],
        ["dropout"] = ["p"],
        ["flatten"] = [],
    };

    private static LayerSpec ParseLayer(JsonNode? node, string where)
    {
        if (node is not JsonObject o) throw new InputException($"{where}: must be an object");
        string type = o["type"] is JsonValue tv && tv.TryGetValue(out string? t) ? t : throw new InputException($"{where}: missing 'type'");
        if (!Allowed.TryGetValue(type, out var fields))
            throw new InputException($"{where}: unknown layer type '{type}' (known: {string.Join(", ", LayerSpec.Types)})");
        where = $"{where} ({type})";
        foreach (var (key, _) in o)
            if (key != "type" && !fields.Contains(key))
                throw new InputException($"{where}: unexpected field '{key}' (allowed: {(fields.Length == 0 ? "none" : string.Join(", ", fields))})");
        var spec = new LayerSpec(type);
        switch (type)
        {
            case "normalize":
                var mean = FloatArray(o["mean"], $"{where}: 'mean'");
                var std = FloatArray(o["std"], $"{where}: 'std'");
                if (mean.Length != std.Length) throw new InputException($"{where}: 'mean' and 'std' differ in length");
                if (std.Any(s => !(s > 0))) throw new InputException($"{where}: every 'std' must be positive");
                return spec with { Mean = mean, Std = std };
            case "conv2d":
                return spec with
                {
                    Out = Positive(o["out"], $"{where}: 'out'"),
                    Kernel = Positive(o["kernel"], $"{where}: 'kernel'"),
                    Stride = o["stride"] is null ? 1 : Positive(o["stride"], $"{where}: 'stride'"),
                    Padding = o["padding"] is null ? 0 : NonNegative(o["padding"], $"{where}: 'padding'"),
                    Bias = o["bias"] is null || Bool(o["bias"], $"{where}: 'bias'"),
                };
            case "linear":
                return spec with { Out = Positive(o["out"], $"{where}: 'out'"), Bias = o["bias"] is null || Bool(o["bias"], $"{where}: 'bias'") };
            case "maxpool2d":
                return spec with
                {
                    Kernel = Positive(o["kernel"], $"{where}: 'kernel'"),
                    Stride = o["stride"] is null ? null : Positive(o["stride"], $"{where}: 'stride'"),
                    Padding = o["padding"] is null ? 0 : NonNegative(o["padding"], $"{where}: 'padding'"),
                };
            case "avgpool2d":
                return spec with { Kernel = Positive(o["kernel"], $"{where}: 'kernel'") };
            case "dropout":
                float p = o["p"] is null ? 0.5f : Float(o["p"], $"{where}: 'p'");
                if (p < 0 || p >= 1) throw new InputException($"{where}: 'p' must be in [0, 1)");
                return spec with { P = p };
            default:
                return spec;
        }
    }

    /// <summary>Walks the per-sample shape through the layers, checking that each layer fits its input.</summary>
    private List<int[]> InferShapes()
    {
        var shapes = new List<int[]>();
        int[] s = (int[])Input.Clone();
        for (int i = 0; i < Layers.Count; i++)
        {
            shapes.Add(s);
            var l = Layers[i];
            string where = $"layer {i} ({l.Type})";
            bool image = s.Length == 3;
            switch (l.Type)
            {
                case "normalize":
                    if (!image || l.Mean!.Length != s[0]) throw new InputException($"{where}: {l.Mean!.Length} means for an input of shape {Show(s)}");
                    break;
                case "conv2d":
                {
                    if (!image) throw new InputException($"{where}: needs an image input, got {Show(s)}");
                    // in long: a huge padding or input overflows int
                    long ph = s[1] + 2L * l.Padding, pw = s[2] + 2L * l.Padding;
                    if (ph < l.Kernel || pw < l.Kernel)
                        throw new InputException($"{where}: kernel {l.Kernel} does not fit an input of shape {Show(s)}");
                    s = [l.Out, Dim((ph - l.Kernel) / l.Stride!.Value + 1, where), Dim((pw - l.Kernel) / l.Stride.Value + 1, where)];
                    break;
                }
                case "batchnorm2d":
                    if (!image) throw new InputException($"{where}: needs an image input, got {Show(s)}");
                    break;
                case "maxpool2d":
                case "avgpool2d":
                {
                    if (!image) throw new InputException($"{where}: needs an image input, got {Show(s)}");
                    int stride = l.Stride ?? l.Kernel;
                    long ph = s[1] + 2L * l.Padding, pw = s[2] + 2L * l.Padding;
                    if (ph < l.Kernel || pw < l.Kernel || 2L * l.Padding > l.Kernel)
                        throw new InputException($"{where}: window {l.Kernel} does not fit an input of shape {Show(s)}");
                    s = [s[0], Dim((ph - l.Kernel) / stride + 1, where), Dim((pw - l.Kernel) / stride + 1, where)];
                    break;
                }
                case "global_avgpool":
                    if (!image) throw new InputException($"{where}: needs an image input, got {Show(s)}");
                    s = [s[0], 1, 1];
                    break;
                case "flatten":
                    s = [Dim(s.Aggregate(1L, (a, b) => a * b), where)];
                    break;
                case "linear":
                    if (image) throw new InputException($"{where}: needs a flat input (add a flatten layer), got {Show(s)}");
                    s = [l.Out];
                    break;
            }
        }
        shapes.Add(s);
        if (s.Length != 1 || s[0] != Classes)
            throw new InputException($"the last layer gives {Show(s)} but 'classes' is {Classes}");
        return shapes;
    }

    private static string Show(int[] s) => "[" + string.Join(", ", s) + "]";

    /// <summary>A size that must fit the engine's int dimensions.</summary>
    private static int Dim(long v, string where) =>
        v <= int.MaxValue ? (int)v : throw new InputException($"{where}: its output size {v} is too large (over {int.MaxValue})");

    /// <summary>Parameters layer by layer, in long: a spec may ask for more than any array holds, and must be told so, not overflow.</summary>
    private long CountParameters()
    {
        long total = 0;
        for (int i = 0; i < Layers.Count; i++)
        {
            var l = Layers[i];
            int[] s = Shapes[i];
            // Int128 holds the product of four ints exactly
            Int128 n = l.Type switch
            {
                "conv2d" => (Int128)l.Out * s[0] * l.Kernel * l.Kernel + (l.Bias ? l.Out : 0),
                "linear" => (Int128)l.Out * s[0] + (l.Bias ? l.Out : 0),
                "batchnorm2d" => 4 * (Int128)s[0],
                _ => 0,
            };
            if (n > Array.MaxLength)
                throw new InputException($"layer {i} ({l.Type}): {n} parameters, more than one array holds ({Array.MaxLength})");
            total += (long)n;
        }
        return total;
    }

    public string ToJson()
    {
        var layers = new JsonArray();
        foreach (var l in Layers)
        {
            var o = new JsonObject { ["type"] = l.Type };
            switch (l.Type)
            {
                case "normalize":
                    o["mean"] = new JsonArray(l.Mean!.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
                    o["std"] = new JsonArray(l.Std!.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
                    break;
                case "conv2d":
                    o["out"] = l.Out; o["kernel"] = l.Kernel; o["stride"] = l.Stride; o["padding"] = l.Padding; o["bias"] = l.Bias;
                    break;
                case "linear":
                    o["out"] = l.Out; o["bias"] = l.Bias;
                    break;
                case "maxpool2d":
                    o["kernel"] = l.Kernel;
                    if (l.Stride is int st) o["stride"] = st;
                    if (l.Padding != 0) o["padding"] = l.Padding;
                    break;
                case "avgpool2d":
                    o["kernel"] = l.Kernel;
                    break;
                case "dropout":
                    o["p"] = l.P;
                    break;
            }
            layers.Add(o);
        }
        var root = new JsonObject
        {
            ["input"] = new JsonArray(Input.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["classes"] = Classes,
            ["layers"] = layers,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    // ---- field readers with messages ----
    private static int Int(JsonNode? n, string what)
    {
        if (n is JsonValue v && v.TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue) return (int)d;
        throw new InputException($"{what} must be an integer");
    }

    private static int Positive(JsonNode? n, string what)
    {
        int v = Int(n, what);
        return v > 0 ? v : throw new InputException($"{what} must be positive");
    }

    private static int NonNegative(JsonNode? n, string what)
    {
        int v = Int(n, what);
        return v >= 0 ? v : throw new InputException($"{what} must not be negative");
    }

    private static float Float(JsonNode? n, string what) =>
        n is JsonValue v && v.TryGetValue(out double d) ? (float)d : throw new InputException($"{what} must be a number");

    private static bool Bool(JsonNode? n, string what) =>
        n is JsonValue v && v.TryGetValue(out bool b) ? b : throw new InputException($"{what} must be true or false");

    private static int[] IntArray(JsonNode? n, string what) =>
        n is JsonArray a ? a.Select(x => Int(x, what)).ToArray() : throw new InputException($"{what} must be an array of integers");

    private static float[] FloatArray(JsonNode? n, string what) =>
        n is JsonArray a && a.Count > 0 ? a.Select(x => Float(x, what)).ToArray() : throw new InputException($"{what} must be a non-empty array of numbers");
}
