using System.Diagnostics;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Study;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Training;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>
/// A tiny study end to end on the bundled MNIST: its tables against values recomputed independently, a run killed
/// partway and resumed equals an uninterrupted one, and two shards merged equal a single run.
/// </summary>
public sealed class StudyRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-study-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Tiny = """
        { "name": "tiny", "dataset": "mnist", "train_images": 384, "test_images": 128, "attack_images": 48, "measure_images": 128,
          "training": { "epochs": 1, "batch": 64, "optimizer": "adam", "lr": 0.003 },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [3, 5, 7], "hidden": [8] } } ],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "fgsm", "eps": [0.1] }, { "type": "noise", "sigma": [0.3] },
                          { "type": "shift", "shift": "gaussian_noise", "severity": [3] } ],
          "measures": ["performance", "norms"] }
        """;

    private static StudyRunner.Outcome RunStudy(string dir, Shard shard) =>
        StudyRunner.Run(StudyFile.Parse(Tiny, "tiny"), "tiny", dir, shard, force: false, Device.Cpu, new SilentStudyProgress());

    /// <summary>Every table's columns and values, without the wall-clock column.</summary>
    internal static Dictionary<string, List<string>> Snapshot(string dir)
    {
        var snap = new Dictionary<string, List<string>>();
        foreach (var name in new[] { "models", "evaluations", "measures", "correlations" })
        {
            var t = Table.Read(Path.Combine(dir, name + ".parquet"));
            foreach (var col in t.ColumnNames.Where(c => c != "train_seconds"))
                snap[$"{name}.{col}"] = t.Column(col).Cast<object?>().Select(v => v switch
                {
                    double d => d.ToString("R"),
                    null => "null",
                    _ => v.ToString()!,
                }).ToList();
        }
        return snap;
    }

    internal static void SameTables(Dictionary<string, List<string>> a, Dictionary<string, List<string>> b)
    {
        Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
        foreach (var k in a.Keys) Assert.True(a[k].SequenceEqual(b[k]), $"column {k} differs");
    }

    [Fact]
    public void TablesHoldWhatAnIndependentRecomputationGives()
    {
        string dir = Path.Combine(_dir, "full");
        var outcome = RunStudy(dir, Shard.All);
        Assert.Equal(3, outcome.Ran);
        var models = Table.Read(Path.Combine(dir, "models.parquet"));
        var evals = Table.Read(Path.Combine(dir, "evaluations.parquet"));
        var measures = Table.Read(Path.Combine(dir, "measures.parquet"));
        var corr = Table.Read(Path.Combine(dir, "correlations.parquet"));
        Assert.Equal(3, models.Rows);
        Assert.Equal(3 * 4, evals.Rows);
        foreach (var col in new[] { "model", "family", "architecture", "seed", "parameters", "train_accuracy", "test_accuracy", "hp_width", "hp_lr", "hp_optimizer" })
            Assert.True(models.Has(col), col);
        foreach (var col in new[] { "model", "condition", "kind", "level", "accuracy", "log_loss", "clean_accuracy", "accuracy_gap", "relative_accuracy_drop", "log_loss_gap", "relative_log_loss_increase" })
            Assert.True(evals.Has(col), col);

        var mnistTest = DataLocator.Load("mnist", "test").Take(128);
        var mnistTrain = DataLocator.Load("mnist", "train").Take(128);
        var ids = models.Strings("model");
        for (int m = 0; m < ids.Length; m++)
        {
            string unit = Path.Combine(dir, "units", ids[m]!);
            using var model = Model.Load(Path.Combine(unit, "model.json"), Path.Combine(unit, "model.safetensors"), Device.Cpu);
            Assert.Equal(model.ParameterCount, ((long[])models.Column("parameters"))[m]);
            // the models table: all test images; every evaluation row, the clean one included: the first attack_images of them
            var (acc, _) = BatchedInference.Evaluate(model, mnistTest.Images, mnistTest.Labels, 64);
            Assert.Equal(acc, models.Doubles("test_accuracy")[m], 9);
            var attackSet = mnistTest.Take(48);
            var (attackClean, attackLoss) = BatchedInference.Evaluate(model, attackSet.Images, attackSet.Labels, 64);
            int clean = Enumerable.Range(0, evals.Rows).Single(i => evals.Strings("model")[i] == ids[m] && evals.Strings("kind")[i] == "clean");
            Assert.Equal(attackClean, evals.Doubles("accuracy")[clean], 9);
            Assert.Equal(attackLoss, evals.Doubles("log_loss")[clean], 5);
            Assert.Equal(48, ((long[])evals.Column("images"))[clean]);
            foreach (int i in Enumerable.Range(0, evals.Rows).Where(i => evals.Strings("model")[i] == ids[m] && evals.Strings("kind")[i] is "attack" or "noise"))
            {
                Assert.Equal(attackClean, evals.Doubles("clean_accuracy")[i], 9);
                Assert.Equal(evals.Doubles("clean_accuracy")[i] - evals.Doubles("accuracy")[i], evals.Doubles("accuracy_gap")[i], 12);
                if (evals.Strings("condition")[i] == "fgsm") Assert.True(evals.Doubles("accuracy")[i] <= attackClean, "FGSM cannot raise accuracy");
            }
            var noisy = FastRobust.Shifts.Generation.Corruptions.Apply("gaussian_noise", 3, attackSet, seed: 0);
            var (shiftAcc, _) = BatchedInference.Evaluate(model, noisy.Images, noisy.Labels, 64);
            int shiftRow = Enumerable.Range(0, evals.Rows).Single(i => evals.Strings("model")[i] == ids[m] && evals.Strings("kind")[i] == "shift");
            Assert.Equal(shiftAcc, evals.Doubles("accuracy")[shiftRow], 9);
            Assert.Equal(attackClean, evals.Doubles("clean_accuracy")[shiftRow], 9);
            Assert.Equal(3.0, evals.Doubles("level")[shiftRow]);
            var (trainAcc, _) = BatchedInference.Evaluate(model, mnistTrain.Images, mnistTrain.Labels, 64);
            int row = Enumerable.Range(0, measures.Rows).Single(i => measures.Strings("model")[i] == ids[m] && measures.Strings("measure")[i] == "accuracy");
            Assert.Equal(trainAcc, measures.Doubles("value")[row], 9);
        }

        // one correlation recomputed from the tables
        int c = Enumerable.Range(0, corr.Rows).First(i => corr.Strings("measure")[i] == "params" && corr.Strings("notion")[i] == "accuracy_gap" && corr.Strings("condition")[i] == "fgsm");
        var x = ids.Select(id => measures.Doubles("value")[Enumerable.Range(0, measures.Rows).Single(i => measures.Strings("model")[i] == id && measures.Strings("measure")[i] == "params")]).ToList();
        var y = ids.Select(id => evals.Doubles("accuracy_gap")[Enumerable.Range(0, evals.Rows).Single(i => evals.Strings("model")[i] == id && evals.Strings("condition")[i] == "fgsm")]).ToList();
        var order = ids.Select((id, i) => (id, i)).OrderBy(p => p.id, StringComparer.Ordinal).Select(p => p.i).ToList();
        Assert.Equal(RankCorrelation.KendallTauB(order.Select(i => x[i]).ToList(), order.Select(i => y[i]).ToList()), corr.Doubles("kendall_tau")[c], 12);
        Assert.Equal(3, ((long[])corr.Column("n_models"))[c]);

        // a second run on the same directory does nothing and leaves the same tables
        var before = Snapshot(dir);
        var again = RunStudy(dir, Shard.All);
        Assert.Equal(0, again.Ran);
        SameTables(before, Snapshot(dir));
    }

    [Fact]
    public void KilledRunResumesToTheUninterruptedResult()
    {
        string reference = Path.Combine(_dir, "reference");
        RunStudy(reference, Shard.All);

        string killed = Path.Combine(_dir, "killed");
        string studyFile = Path.Combine(_dir, "tiny.jsonc");
        File.WriteAllText(studyFile, Tiny);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "FastRobust.Cli.dll"), "study", studyFile, "--out", killed, "--device", "cpu"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using (var p = Process.Start(psi)!)
        {
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            // kill -9 as soon as the first model is committed: the second is then half-done
            var sw = Stopwatch.StartNew();
            while (!p.HasExited && sw.Elapsed < TimeSpan.FromMinutes(3)
                   && !(Directory.Exists(Path.Combine(killed, "units")) && Directory.GetFiles(Path.Combine(killed, "units"), "done.json", SearchOption.AllDirectories).Length >= 1))
                Thread.Sleep(20);
            Assert.False(p.HasExited, "the study finished before it could be killed");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, "correlations.parquet")));
        var resumed = RunStudy(killed, Shard.All);
        Assert.True(resumed.Skipped >= 1 && resumed.Ran >= 1, $"resumed run: {resumed.Skipped} skipped, {resumed.Ran} ran");
        SameTables(Snapshot(reference), Snapshot(killed));
        // whatever the kill left half-written is gone once the study is resumed
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ShardsMergedEqualOneRun()
    {
        string single = Path.Combine(_dir, "single"), a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b"), merged = Path.Combine(_dir, "merged");
        RunStudy(single, Shard.All);
        Assert.Equal(3, RunStudy(a, new Shard(1, 2)).Ran + RunStudy(b, new Shard(2, 2)).Ran);
        Assert.Equal(3, StudyMerge.Merge([a, b], merged));
        SameTables(Snapshot(single), Snapshot(merged));
    }

    [Fact]
    public void AChangedStudyIsRefusedWithoutForce()
    {
        string dir = Path.Combine(_dir, "changed");
        var study = StudyFile.Parse(Tiny, "tiny");
        new StudyDirectory(dir).Open(study, force: false);
        var other = StudyFile.Parse(Tiny.Replace("\"lr\": 0.003", "\"lr\": 0.004"), "tiny2");
        var e = Assert.Throws<FastRobust.Util.InputException>(() => new StudyDirectory(dir).Open(other, force: false));
        Assert.Contains("different study", e.Message);
        new StudyDirectory(dir).Open(other, force: true);
    }
}
