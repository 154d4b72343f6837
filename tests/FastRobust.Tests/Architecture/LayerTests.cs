using System.Reflection;
using Xunit;

namespace FastRobust.Tests.Architecture;

/// <summary>
/// The layer rule of docs/architecture.md, checked on the compiled assemblies (<see cref="NamespaceUses"/>): every
/// namespace belongs to a layer; a layer may use the layers it names as beneath it and, through them, everything
/// they may use; nothing else. Uses inside one layer are free.
/// </summary>
public class LayerTests
{
    /// <summary>
    /// The core's layers (FastRobust.dll), by namespace under FastRobust., each with the layers directly beneath it.
    /// Keep in step with docs/architecture.md.
    /// </summary>
    internal static readonly Dictionary<string, string[]> Beneath = new()
    {
        ["Util"] = [],
        ["Random"] = [],
        ["Tables"] = ["Util"],
        ["Imaging"] = ["Util"],
        ["Tensors"] = ["Util"],
        ["Autograd"] = ["Tensors", "Random"],
        ["Backends"] = ["Tensors", "Random"],
        ["Nn"] = ["Autograd"],
        ["Data"] = ["Tensors", "Random"],
        ["Training"] = ["Nn", "Data", "Attacks"],
        ["Attacks"] = ["Nn", "Imaging", "Tables"],
        ["Shifts.Generation"] = ["Data"],
        ["Shifts.Released"] = ["Shifts.Generation"],
        ["Shifts.Evaluation"] = ["Shifts.Released", "Training", "Tables"],
        ["Measures"] = ["Training", "Tables"],
        ["Study"] = ["Attacks", "Shifts.Evaluation", "Measures"],
        ["Bench"] = ["Training"],
        ["Pictures"] = ["Training"],
        ["DataRobustness"] = ["Training"],
    };

    /// <summary>What the plug-in assemblies may use of the core (their own namespaces aside).</summary>
    private static readonly (string Layer, string[] MayUse)[] PlugIns =
    [
        // device code: the counter-based generator it shares with the host, plain helpers, and the host's own
        // integer JPEG DCT (Shifts.Generation.Jpeg.JpegDct), which the JPEG corruption kernel calls
        ("Kernels", ["Random", "Util", "Shifts.Generation"]),
        // the ILGPU backend: the op interface it implements, the corruptions whose kernels it registers, its kernels
        ("Gpu", ["Tensors", "Shifts.Generation", "Kernels"]),
        // the agreement cases (run by the GPU tests and the gpu-selftest verb): every op, training, attacks, measures
        // and corruptions on the cpu backend and the GPU backend side by side
        ("Gpu.Agreement", ["Gpu", "Kernels", "Shifts.Generation", "Attacks", "Measures"]),
        // the gpu-selftest verb's body: runs the agreement cases on a device
        ("Gpu.SelfTest", ["Gpu", "Tensors"]),
    ];

    /// <summary>Each assembly of ours and the assemblies of ours it may reference.</summary>
    private static readonly (Assembly Assembly, string[] MayReference)[] Assemblies =
    [
        (typeof(FastRobust.Tensors.Tensor).Assembly, []),
        (typeof(FastRobust.Kernels.Reduce).Assembly, ["FastRobust"]),
        (typeof(FastRobust.Gpu.GpuDevices).Assembly, ["FastRobust", "FastRobust.Kernels"]),
        (typeof(FastRobust.Cli.Program).Assembly, ["FastRobust", "FastRobust.Kernels", "FastRobust.Gpu"]),
    ];

    [Fact]
    public void TheLayerTableHasNoCycle()
    {
        foreach (var layer in Beneath.Keys)
        {
            Assert.All(Beneath[layer], b => Assert.True(Beneath.ContainsKey(b), $"{layer} names '{b}' beneath it, which is no layer"));
            Assert.False(MayUse(layer).Contains(layer), $"{layer} may use itself through the layers beneath it: the table has a cycle");
        }
    }

    [Fact]
    public void EveryCoreNamespaceUsesOnlyTheLayersBeneathIt()
    {
        var uses = NamespaceUses.Read(typeof(FastRobust.Tensors.Tensor).Assembly.Location);
        var broken = new List<string>();
        foreach (var use in uses)
        {
            if (IsCompilerGenerated(use.User)) continue;
            var layer = Layer(use.UserNamespace);
            if (layer is null)
            {
                broken.Add($"{use.User}: namespace '{use.UserNamespace}' is in no layer (add it to docs/architecture.md and LayerTests.Beneath)");
                continue;
            }
            if (Layer(use.UsedNamespace) is { } used && used != layer && !MayUse(layer).Contains(used))
                broken.Add($"{use.User} (layer {layer}) uses {use.Used} (layer {used}); {layer} may use only {Describe(layer)}");
        }
        Assert.True(broken.Count == 0, Report(broken));
    }

    [Fact]
    public void ThePlugInsUseOnlyWhatTheyMayOfTheCore()
    {
        var broken = new List<string>();
        foreach (var assembly in new[] { typeof(FastRobust.Kernels.Reduce).Assembly, typeof(FastRobust.Gpu.GpuDevices).Assembly })
        {
            foreach (var use in NamespaceUses.Read(assembly.Location))
            {
                if (IsCompilerGenerated(use.User) || !use.UsedNamespace.StartsWith("FastRobust.")) continue;
                var (plugIn, mayUse) = PlugIns.Where(p => Within(use.User, "FastRobust." + p.Layer)).MaxBy(p => p.Layer.Length);
                if (plugIn is null)
                {
                    broken.Add($"{use.User}: in no plug-in layer of LayerTests.PlugIns");
                    continue;
                }
                var used = use.UsedNamespace["FastRobust.".Length..];
                var allowed = mayUse.SelectMany(m => Beneath.ContainsKey(m) ? MayUse(m).Append(m) : [m]).ToHashSet();
                if (!Within(use.UserNamespace, use.UsedNamespace) && !allowed.Any(a => Within(used, a)))
                    broken.Add($"{use.User} ({plugIn}) uses {use.Used}; {plugIn} may use only {string.Join(", ", mayUse)} and what they may use");
            }
        }
        Assert.True(broken.Count == 0, Report(broken));
    }

    [Fact]
    public void EachAssemblyReferencesOnlyTheAssembliesBeneathIt()
    {
        var ours = Assemblies.Select(a => a.Assembly.GetName().Name!).ToHashSet();
        foreach (var (assembly, mayReference) in Assemblies)
        {
            var references = assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(ours.Contains).ToList();
            var forbidden = references.Except(mayReference).ToList();
            Assert.True(forbidden.Count == 0,
                $"{assembly.GetName().Name} references {string.Join(", ", forbidden)}; it may reference only {(mayReference.Length > 0 ? string.Join(", ", mayReference) : "none of ours")}");
        }
    }

    /// <summary>The layers a layer may use: those beneath it and, through them, theirs.</summary>
    internal static HashSet<string> MayUse(string layer)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>(Beneath[layer]);
        while (stack.Count > 0)
        {
            var l = stack.Pop();
            if (seen.Add(l) && Beneath.TryGetValue(l, out var below)) foreach (var b in below) stack.Push(b);
        }
        return seen;
    }

    /// <summary>The core layer of a namespace (its longest prefix in the table), null for none; other assemblies' namespaces are no core layer.</summary>
    private static string? Layer(string ns)
    {
        if (!ns.StartsWith("FastRobust.")) return null;
        var rest = ns["FastRobust.".Length..];
        return Beneath.Keys.Where(k => Within(rest, k)).MaxBy(k => k.Length);
    }

    private static bool Within(string name, string prefix) => name == prefix || name.StartsWith(prefix + ".");

    /// <summary>Types the compiler adds (&lt;PrivateImplementationDetails&gt; for array initialisers and the like).</summary>
    private static bool IsCompilerGenerated(string type) => type.StartsWith('<');

    private static string Describe(string layer)
    {
        var may = MayUse(layer);
        return may.Count == 0 ? "its own namespaces" : string.Join(", ", may.Order());
    }

    private static string Report(List<string> broken) =>
        $"{broken.Count} uses break the layer rule (docs/architecture.md):\n" + string.Join("\n", broken.Distinct().Take(30));
}
