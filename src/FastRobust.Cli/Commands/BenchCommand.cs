using System.CommandLine;
using System.Text.Json;
using FastRobust.Bench;
using FastRobust.Nn;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh bench: the three reference workloads of ../shared/bench/torch_peer.py, for a side-by-side ratio.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model spec (.json) to measure, e.g. ../shared/bench/refcnn.json", Required = true };
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 128 };
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per workload (after 3 warm-up steps)", DefaultValueFactory = _ => 3.0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (train_img_per_s, attack_img_steps_per_s, infer_img_per_s)" };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("bench", "Measure train-step, PGD-step and inference throughput (img/s) on a model spec, as torch_peer.py does")
        {
            model, batch, seconds, json, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var spec = ModelSpec.Load(r.GetValue(model)!);
            int b = r.GetValue(batch);
            if (b < 1) throw new Util.InputException($"--batch must be positive, got {b}");
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            var rates = ReferenceWorkloads.Measure(spec, b, dev, r.GetValue(seconds), r.GetValue(seed));
            if (r.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["engine"] = "fastrobust",
                    ["device"] = dev.Name,
                    ["batch"] = b,
                    ["threads"] = Environment.ProcessorCount,
                    ["train_img_per_s"] = Math.Round(rates.TrainImgPerS, 1),
                    ["attack_img_steps_per_s"] = Math.Round(rates.AttackImgStepsPerS, 1),
                    ["infer_img_per_s"] = Math.Round(rates.InferImgPerS, 1),
                }));
            }
            else
            {
                stdout.WriteLine($"device {dev.Name}, batch {b}");
                stdout.WriteLine($"train_img_per_s         {rates.TrainImgPerS,10:F1}");
                stdout.WriteLine($"attack_img_steps_per_s  {rates.AttackImgStepsPerS,10:F1}");
                stdout.WriteLine($"infer_img_per_s         {rates.InferImgPerS,10:F1}");
            }
            if (Util.OpProfiler.Enabled) r.InvocationConfiguration.Error.WriteLine(Util.OpProfiler.Report());
            return 0;
        });
        return cmd;
    }
}
