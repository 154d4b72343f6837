using System.CommandLine;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Training;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh predict: logits of a model on a .npy array of images.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = ModelOptions.Spec();
        var weights = ModelOptions.Weights();
        var input = new Option<string>("--input") { Description = "Images .npy: float32 [N, C, H, W] in [0, 1] or uint8 [N, H, W, C]", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Optional labels .npy (int64 or int32 [N]): also print accuracy" };
        var output = new Option<string>("--out") { Description = "Where to write the logits, float32 [N, classes] .npy", Required = true };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 256 };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("predict", "Write a model's logits on images from a .npy file") { model, weights, input, labels, output, batch, device, seed };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            Util.OutputPath.CheckFile(r.GetValue(output)!, "--out");
            int b = CommonOptions.Positive(r.GetValue(batch), "--batch");
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var m = Model.Load(r.GetValue(model)!, r.GetValue(weights)!, dev);
            string inPath = r.GetValue(input)!;
            var (images, shape) = NpyDataset.ReadImages(inPath);
            BatchedInference.CheckShape(m, shape, inPath);
            int[]? y = r.GetValue(labels) is { } lp ? Npy.ReadLabels(lp) : null;
            if (y != null && y.Length != shape[0])
                throw new Util.InputException($"{r.GetValue(labels)}: {y.Length} labels for {shape[0]} images in {inPath}");
            if (y != null) BatchedInference.CheckLabels(m, y, r.GetValue(labels)!);
            var logits = BatchedInference.Logits(m, images, shape[0], b);
            Npy.WriteFloat32(r.GetValue(output)!, logits, [shape[0], m.Spec.Classes]);
            stdout.WriteLine($"wrote logits [{shape[0]}, {m.Spec.Classes}] to {r.GetValue(output)}");
            if (y != null)
            {
                var (acc, loss) = BatchedInference.Evaluate(m, images, y, b);
                stdout.WriteLine($"accuracy {acc:P2}  mean cross-entropy {loss:F4}");
            }
            return 0;
        });
        return cmd;
    }
}
