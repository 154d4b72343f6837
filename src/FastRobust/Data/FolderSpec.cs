using System.Globalization;
using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// A dataset named <c>folder:PATH[,size=S|HxW][,classes=N|A+B+C][,holdout=F]</c> on the command line or in a study
/// file: images in torchvision's ImageFolder layout under PATH. The options travel inside the name so that every verb
/// and a study take the same string.
/// </summary>
public sealed record FolderSpec(string Root, int? Height, int? Width, int? ClassCount, IReadOnlyList<string>? ClassNames, double Holdout)
{
    public const string Prefix = "folder:";

    /// <summary>The fraction held out as the test split when PATH has no train/ folder (PATH/CLASS/* directly).</summary>
    public const double DefaultHoldout = 0.2;

    public static bool IsFolder(string name) => name.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public static FolderSpec Parse(string name)
    {
        string body = name.Trim()[Prefix.Length..];
        var parts = body.Split(',');
        string root = parts[0];
        if (root.Length == 0) throw new InputException($"dataset '{name}': no folder after '{Prefix}' (expected {Prefix}PATH)");
        int? h = null, w = null, count = null;
        string[]? names = null;
        double holdout = DefaultHoldout;
        foreach (string option in parts.Skip(1))
        {
            int eq = option.IndexOf('=');
            string key = eq < 0 ? option : option[..eq], value = eq < 0 ? "" : option[(eq + 1)..];
            switch (key.Trim())
            {
                case "size":
                    (h, w) = ParseSize(value, name);
                    break;
                case "classes":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                        count = n >= 2 ? n : throw new InputException($"dataset '{name}': classes={value} must be at least 2");
                    else
                    {
                        names = value.Split('+', StringSplitOptions.TrimEntries);
                        if (names.Length < 2 || names.Any(c => c.Length == 0))
                            throw new InputException($"dataset '{name}': classes={value} must be a count (classes=62) or two or more class folder names joined by + (classes=cat+dog)");
                        if (names.Distinct().Count() != names.Length)
                            throw new InputException($"dataset '{name}': classes={value} names a class twice");
                    }
                    break;
                case "holdout":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out holdout) || !(holdout > 0 && holdout < 1))
                        throw new InputException($"dataset '{name}': holdout={value} must be a fraction between 0 and 1");
                    break;
                default:
                    throw new InputException($"dataset '{name}': unknown option '{option}' (expected size=, classes= or holdout=)");
            }
        }
        return new FolderSpec(Path.GetFullPath(root), h, w, count, names, holdout);
    }

    private static (int, int) ParseSize(string value, string name)
    {
        var hw = value.Split('x');
        bool ok = hw.Length is 1 or 2;
        var sizes = new int[hw.Length];
        for (int i = 0; ok && i < hw.Length; i++)
            ok = int.TryParse(hw[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) && sizes[i] is >= 1 and <= 4096;
        if (!ok) throw new InputException($"dataset '{name}': size={value} must be S or HxW in pixels, 1 to 4096 (size=64, size=64x48)");
        return hw.Length == 1 ? (sizes[0], sizes[0]) : (sizes[0], sizes[1]);
    }

    /// <summary>The options as written back into a name (what a cache key and a table's dataset column show).</summary>
    public override string ToString()
    {
        var s = Prefix + Root;
        if (Height is { } h) s += $",size={h}x{Width}";
        if (ClassCount is { } n) s += $",classes={n}";
        if (ClassNames is { } names) s += ",classes=" + string.Join('+', names);
        if (Holdout != DefaultHoldout) s += ",holdout=" + Holdout.ToString(CultureInfo.InvariantCulture);
        return s;
    }
}
