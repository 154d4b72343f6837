using FastRobust.Nn;
using FastRobust.Tables;
using FastRobust.Tensors;
using Xunit;
using FastRobust.Tests.Cli;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.Measures;

/// <summary>./run.sh measure end to end on the bundled MNIST: the table, the Parquet rows, and bad input.</summary>
public sealed class MeasureCliTests : CliTestFolder
{
    private void SaveModel()
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=4,hidden=8,bn=true", [1, 28, 28], 10, [0.5f], [0.5f]);
        using var m = Model.Create(spec, Device.Cpu, 1);
        m.Save(Dir);
        using var init = Model.Create(spec, Device.Cpu, 2);
        init.SaveWeights(P("init.safetensors"));
    }

    [Fact]
    public void Writes_one_row_per_measure_with_options()
    {
        SaveModel();
        var (code, stdout, err) = Run("measure", "--model", P("model.json"), "--weights", P("model.safetensors"), "--dataset", "mnist",
            "--limit", "300", "--out", P("measures.parquet"), "--device", "cpu", "--sharpness-images", "200", "--samples", "3",
            "--sigma-depth", "3", "--alpha-depth", "2", "--ascent-steps", "2", "--restarts", "2", "--worst-case-images", "100");
        Assert.True(code == 0, err);
        Assert.Contains("pacbayes_sigma", stdout);
        var t = Table.Read(P("measures.parquet"));
        var names = ((string?[])t.Column("measure")).ToList();
        foreach (var n in new[] { "accuracy", "ece", "margin_p10", "log_prod_of_spec_over_margin", "fro_dist", "path_norm", "pacbayes_sigma",
                     "pacbayes_mag_init", "sharpness_mag_alpha", "sharpness_orig" })
            Assert.Contains(n, names);
        Assert.Equal(names.Count, names.Distinct().Count());
        var options = (string?[])t.Column("options");
        Assert.Contains("\"convention\":\"paper\"", options[names.IndexOf("pacbayes_sigma")]);
        Assert.Contains("\"init\":true", options[names.IndexOf("fro_dist")]);
    }

    [Fact]
    public void Bad_input_is_one_line_and_writes_nothing()
    {
        SaveModel();
        string[] common = ["measure", "--model", P("model.json"), "--weights", P("model.safetensors"), "--dataset", "mnist", "--device", "cpu", "--out", P("m.parquet")];
        var (code, _, err) = Run([.. common, "--measures", "perf,sharp"]);
        Assert.Equal(2, code);
        Assert.Contains("--measures", err);
        (code, _, err) = Run([.. common, "--target", "1.5"]);
        Assert.Equal(2, code);
        Assert.Contains("target", err);
        (code, _, err) = Run([.. common, "--init", P("missing.safetensors")]);
        Assert.Equal(2, code);
        Assert.Contains("missing.safetensors", err);
        (code, _, err) = Run([.. common, "--limit", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("--limit", err);
        Assert.False(File.Exists(P("m.parquet")));
    }
}
