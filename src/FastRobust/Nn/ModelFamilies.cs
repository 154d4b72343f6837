using System.Globalization;
using FastRobust.Util;

namespace FastRobust.Nn;

/// <summary>
/// Architectures generated from hyperparameters (the seed study's "custom CNN" and "VGG inspired" models).
/// A family is named on the command line as NAME[:key=value,...], e.g. "custom-cnn:depth=3,width=64,bn=true"
/// or "vgg11:width=0.5". docs/model-families.md lists exactly which spec each setting produces.
/// </summary>
public static class ModelFamilies
{
    public static readonly string[] Names = ["custom-cnn", "vgg11", "vgg13", "vgg16"];

    /// <summary>Channel plans of VGG (Simonyan & Zisserman 2015, configurations A, B, D); 0 marks a 2×2 max pool.</summary>
    private static readonly Dictionary<string, int[]> VggPlans = new()
    {
        ["vgg11"] = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        ["vgg13"] = [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        ["vgg16"] = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0],
    };

    /// <summary>The most stages (and convolutions per stage) a custom CNN may have.</summary>
    public const int MaxDepth = 32;

    public static bool IsFamily(string text) => Names.Contains(text.Split(':')[0]);

    /// <summary>
    /// Builds the spec of NAME[:args] for inputs [C, H, W] with the dataset's per-channel mean and std (the first
    /// layer normalises, so the model takes [0, 1] pixels).
    /// </summary>
    public static ModelSpec Build(string text, int[] input, int classes, float[] mean, float[] std)
    {
        var (name, args) = ParseArgs(text);
        var layers = new List<LayerSpec> { new("normalize") { Mean = mean, Std = std } };
        int h = input[1];
        switch (name)
        {
            case "custom-cnn":
            {
                int depth = args.Int("depth", 2), width = args.Int("width", 32), convs = args.Int("convs", 1), hidden = args.Int("hidden", 128);
                float dropout = args.Float("dropout", 0f);
                bool bn = args.Bool("bn", false);
                if (depth < 1 || width < 1 || convs < 1 || hidden < 1) throw new InputException($"{text}: depth, width, convs and hidden must be positive");
                if (!(dropout >= 0 && dropout < 1)) throw new InputException($"{text}: dropout must be in [0, 1)");
                // the widths double per stage: bound the loop and the arithmetic before the memory budget sees the spec
                if (depth > MaxDepth || convs > MaxDepth) throw new InputException($"{text}: depth and convs must be at most {MaxDepth}");
                if (((long)width << (depth - 1)) > int.MaxValue) throw new InputException($"{text}: width {width} doubled over {depth} stages overflows a channel count");
                for (int s = 0; s < depth; s++)
                {
                    for (int c = 0; c < convs; c++) AddConv(layers, width << s, bn);
                    if (h >= 2) { layers.Add(new LayerSpec("maxpool2d") { Kernel = 2 }); h /= 2; }
                    if (dropout > 0) layers.Add(new LayerSpec("dropout") { P = dropout });
                }
                layers.Add(new LayerSpec("flatten"));
                layers.Add(new LayerSpec("linear") { Out = hidden });
                layers.Add(new LayerSpec("relu"));
                if (dropout > 0) layers.Add(new LayerSpec("dropout") { P = dropout });
                layers.Add(new LayerSpec("linear") { Out = classes });
                args.CheckAllUsed(text);
                break;
            }
            case "vgg11" or "vgg13" or "vgg16":
            {
                float width = args.Float("width", 1f), dropout = args.Float("dropout", 0f);
                bool bn = args.Bool("bn", true);
                if (!(width > 0 && width <= 1e6f)) throw new InputException($"{text}: width must be positive and at most 1e6");
                if (!(dropout >= 0 && dropout < 1)) throw new InputException($"{text}: dropout must be in [0, 1)");
                foreach (int c in VggPlans[name])
                {
                    if (c > 0) AddConv(layers, Math.Max(1, (int)MathF.Round(c * width)), bn);
                    else if (h >= 2) { layers.Add(new LayerSpec("maxpool2d") { Kernel = 2 }); h /= 2; }
                }
                layers.Add(new LayerSpec("flatten"));
                if (dropout > 0) layers.Add(new LayerSpec("dropout") { P = dropout });
                layers.Add(new LayerSpec("linear") { Out = classes });
                args.CheckAllUsed(text);
                break;
            }
            default:
                throw new InputException($"unknown model family '{name}' (known: {string.Join(", ", Names)}) — or give a spec .json file");
        }
        // the spec's own checks (shapes, the memory budget) say what is wrong; the family text says where
        try { return new ModelSpec(input, classes, layers); }
        catch (InputException e) { throw new InputException($"{text}: {e.Message}"); }
    }

    private static void AddConv(List<LayerSpec> layers, int outChannels, bool bn)
    {
        layers.Add(new LayerSpec("conv2d") { Out = outChannels, Kernel = 3, Stride = 1, Padding = 1, Bias = !bn });
        if (bn) layers.Add(new LayerSpec("batchnorm2d"));
        layers.Add(new LayerSpec("relu"));
    }

    private static (string, FamilyArgs) ParseArgs(string text)
    {
        int colon = text.IndexOf(':');
        string name = colon < 0 ? text : text[..colon];
        var dict = new Dictionary<string, string>();
        if (colon >= 0)
            foreach (var part in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = part.Split('=', 2);
                if (kv.Length != 2) throw new InputException($"{text}: expected key=value, got '{part}'");
                dict[kv[0].Trim()] = kv[1].Trim();
            }
        return (name, new FamilyArgs(dict));
    }

    private sealed class FamilyArgs(Dictionary<string, string> values)
    {
        private readonly HashSet<string> _used = new();

        private string? Get(string key)
        {
            _used.Add(key);
            return values.GetValueOrDefault(key);
        }

        public int Int(string key, int dflt) =>
            Get(key) is { } s ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new InputException($"'{key}={s}' is not an integer") : dflt;

        public float Float(string key, float dflt) =>
            Get(key) is { } s ? float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw new InputException($"'{key}={s}' is not a number") : dflt;

        public bool Bool(string key, bool dflt) =>
            Get(key) is { } s ? s is "true" or "1" or "yes" ? true : s is "false" or "0" or "no" ? false : throw new InputException($"'{key}={s}' is not true or false") : dflt;

        public void CheckAllUsed(string text)
        {
            var unknown = values.Keys.Where(k => !_used.Contains(k)).ToList();
            if (unknown.Count > 0) throw new InputException($"{text}: unknown setting(s) {string.Join(", ", unknown)}");
        }
    }
}
