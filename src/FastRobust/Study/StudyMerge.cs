using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>Combines the finished units of shard directories of one study into one directory and rebuilds its tables.</summary>
public static class StudyMerge
{
    public static int Merge(IReadOnlyList<string> sources, string outDir)
    {
        if (sources.Count == 0) throw new InputException("merge needs at least one study directory");
        string? canonical = null;
        foreach (var src in sources)
        {
            string json = Path.Combine(src, "study.json");
            if (!File.Exists(json)) throw new InputException($"{src}: not a study directory (no study.json)");
            string text = File.ReadAllText(json).Trim();
            if (canonical != null && text != canonical) throw new InputException($"{src}: holds a different study than {sources[0]}; only shards of one study can be merged");
            canonical ??= text;
        }
        var study = StudyFile.Parse(canonical!, Path.Combine(sources[0], "study.json"));
        var units = StudyPlan.Expand(study);
        var target = new StudyDirectory(outDir);
        target.Open(study, force: false);
        foreach (var src in sources.Select(s => new StudyDirectory(s)).Where(s => s.Root != target.Root))
            foreach (var u in units.Where(u => src.IsDone(u) && !target.IsDone(u)))
            {
                string dst = target.UnitDir(u.Id);
                if (Directory.Exists(dst)) Directory.Delete(dst, true);
                CopyDirectory(src.UnitDir(u.Id), dst);
            }
        return target.BuildTables(units);
    }

    /// <summary>Copies a unit folder; done.json last, so an interrupted merge leaves an unfinished unit, never a false one.</summary>
    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from).OrderBy(f => Path.GetFileName(f) == "done.json" ? 1 : 0))
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
    }
}
