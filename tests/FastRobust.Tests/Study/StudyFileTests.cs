using FastRobust.Study;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>Study files: presets parse and expand; every bad file fails with the key and the reason, before any work.</summary>
public class StudyFileTests
{
    private const string Valid = """
        // a comment
        { "name": "t", "dataset": "mnist", "train_images": 64, "test_images": 32,
          "training": { "epochs": 1, "optimizer": "adam" },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1, 2], "width": 4 }, "training_grid": { "lr": [0.01, 0.001] } } ],
          "seeds": [0, 1],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "pgd", "eps": [0.03], "steps": 3 } ] }
        """;

    [Fact]
    public void ExpandsTheGridInOrder()
    {
        var units = StudyPlan.Expand(StudyFile.Parse(Valid, "t"));
        Assert.Equal(8, units.Count);
        Assert.Equal("custom-cnn_depth=1_width=4_lr=0.01_seed=0", units[0].Id);
        Assert.Equal("custom-cnn_depth=1_width=4_lr=0.01_seed=1", units[1].Id);
        Assert.Equal("custom-cnn_depth=2_width=4_lr=0.001_seed=1", units[7].Id);
        Assert.Equal("custom-cnn:depth=2,width=4", units[7].FamilyArgs);
        Assert.Equal("0.001", units[7].Training["lr"]);
        Assert.Equal("adam", units[7].Training["optimizer"]);
        Assert.Equal("1", units[7].Training["epochs"]);
        Assert.Equal(Enumerable.Range(0, 8), units.Select(u => u.Index));
    }

    [Fact]
    public void PresetsParseAndTheSeedStudyIsAtScale()
    {
        Assert.Contains("quick", StudyPresets.Names);
        Assert.Contains("seed-000", StudyPresets.Names);
        foreach (var name in StudyPresets.Names)
        {
            var study = StudyPresets.Load(name);
            StudyRunner.Validate(study, StudyPlan.Expand(study), name);
        }
        var seed = StudyPresets.Load("seed-000");
        Assert.True(StudyPlan.Expand(seed).Count >= 50);
        Assert.Equal(30000, seed.TrainImages);
        foreach (var attack in new[] { "fgsm", "pgd", "bim", "deepfool", "cw" })
            Assert.Contains(seed.Conditions, c => c.Name == attack);
        // the CPU-sized twin keeps the seed's grid, attacks, corruptions and measures
        var cpu = StudyPresets.Load("seed-000-cpu");
        Assert.True(StudyPlan.Expand(cpu).Count >= 50);
        Assert.Equal("cifar10", cpu.Dataset);
        foreach (var attack in new[] { "fgsm", "pgd", "bim", "deepfool", "cw" })
            Assert.Contains(cpu.Conditions, c => c.Name == attack);
        Assert.Contains(cpu.Conditions, c => c.Type == "shift" && c.Name == "all");
        Assert.Equal(StudyFile.MeasureGroups, cpu.Measures);
    }

    [Theory]
    [InlineData("\"name\": \"t\",", "\"name\": \"t\", \"colour\": 3,", "unknown key 'colour'")]
    [InlineData("\"train_images\": 64", "\"train_images\": -5", "'train_images' must be an integer ≥ 0")]
    [InlineData("\"dataset\": \"mnist\"", "\"dataset\": \"imagenet\"", "'dataset' must be one of auto, cifar10, mnist")]
    [InlineData("\"seeds\": [0, 1]", "\"seeds\": []", "'seeds' must be a non-empty array")]
    [InlineData("\"name\": \"t\",", "\"name\": \"t\", \"measures\": [\"vibes\"],", "'vibes' is not a measure group")]
    [InlineData("\"name\": \"t\",", "\"name\": \"t\", \"name\": \"u\",", "duplicate key")]
    public void BadTopLevelKeys(string from, string to, string expected)
    {
        string text = Valid.Replace(from, to);
        var e = Assert.Throws<InputException>(() => StudyFile.Parse(text, "bad.jsonc"));
        Assert.Contains("bad.jsonc", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("\"family\": \"resnet\"", "'resnet' is not a family")]
    [InlineData("\"family\": \"custom-cnn\", \"spec\": \"m.json\"", "needs either 'family'")]
    [InlineData("\"family\": \"custom-cnn\", \"training_grid\": { \"momentum_x\": [1] }", "unknown key 'models[0].training_grid.momentum_x'")]
    public void BadModelEntries(string entry, string expected)
    {
        string text = Valid.Replace("""{ "family": "custom-cnn", "grid": { "depth": [1, 2], "width": 4 }, "training_grid": { "lr": [0.01, 0.001] } }""", "{ " + entry + " }");
        var e = Assert.Throws<InputException>(() => StudyFile.Parse(text, "bad.jsonc"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadConditionsAndSettingsFailBeforeWork()
    {
        var noClean = Valid.Replace("""{ "type": "clean" }, """, "");
        Assert.Contains("must include {\"type\": \"clean\"}", Assert.Throws<InputException>(() => StudyFile.Parse(noClean, "s")).Message);
        var badAttack = Valid.Replace("\"attack\": \"pgd\"", "\"attack\": \"pgdd\"");
        var study = StudyFile.Parse(badAttack, "s");
        Assert.Contains("unknown attack 'pgdd'", Assert.Throws<InputException>(() => StudyRunner.Validate(study, StudyPlan.Expand(study), "s")).Message);
        var badSetting = Valid.Replace("\"steps\": 3", "\"stepz\": 3");
        Assert.Contains("unknown key 'conditions[1].stepz'", Assert.Throws<InputException>(() => StudyFile.Parse(badSetting, "s")).Message);
        var badLr = Valid.Replace("\"lr\": [0.01, 0.001]", "\"lr\": [\"fast\"]");
        study = StudyFile.Parse(badLr, "s");
        Assert.Contains("training 'lr'", Assert.Throws<InputException>(() => StudyRunner.Validate(study, StudyPlan.Expand(study), "s")).Message);
        var badMeasure = Valid.Replace("\"seeds\": [0, 1],", "\"seeds\": [0, 1], \"measure_settings\": { \"sharpness_pictures\": 3 },");
        study = StudyFile.Parse(badMeasure, "s");
        Assert.Contains("unknown measure setting 'sharpness_pictures'", Assert.Throws<InputException>(() => StudyRunner.Validate(study, StudyPlan.Expand(study), "s")).Message);
    }
}
