using System.CommandLine;
using FastRobust.Data;
using FastRobust.Pictures;
using FastRobust.Nn;
using FastRobust.Training;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh saliency: the gradient of the loss with respect to the input pixels (the seed study's saliency).</summary>
public static class SaliencyCommand
{
    public static Command Create()
    {
        var model = ModelOptions.Spec();
        var weights = ModelOptions.Weights();
        var input = new Option<string>("--input") { Description = "Images .npy: float32 [N, C, H, W] in [0, 1] or uint8 [N, H, W, C]", Required = true };
        var labels = new Option<string>("--labels") { Description = "Labels .npy (int64 or int32 [N])", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write ∂(Σ cross-entropy)/∂input, float32 [N, C, H, W] .npy", Required = true };
        var png = new Option<string?>("--png") { Description = "Also write DIR/saliency.png: each image beside its |gradient| map (max over channels, scaled per image, heat colours) with a colour bar" };
        var pngLimit = new Option<int>("--png-limit") { Description = "At most this many images in the PNG", DefaultValueFactory = _ => 16 };
        var batch = new Option<int>("--batch") { Description = "Images per pass", DefaultValueFactory = _ => 128 };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("saliency", "Write the loss gradient with respect to the input pixels (sum of cross-entropy over the batch)")
        {
            model, weights, input, labels, output, png, pngLimit, batch, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            Util.OutputPath.CheckFile(r.GetValue(output)!, "--out");
            if (r.GetValue(png) is { } pngDir) Util.OutputPath.CheckDirectory(pngDir, "--png");
            int b = CommonOptions.Positive(r.GetValue(batch), "--batch");
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var m = Model.Load(r.GetValue(model)!, r.GetValue(weights)!, dev);
            string inPath = r.GetValue(input)!, labelPath = r.GetValue(labels)!;
            var (images, shape) = NpyDataset.ReadImages(inPath);
            BatchedInference.CheckShape(m, shape, inPath);
            var y = Npy.ReadLabels(labelPath);
            if (y.Length != shape[0]) throw new Util.InputException($"{labelPath}: {y.Length} labels for {shape[0]} images in {inPath}");
            BatchedInference.CheckLabels(m, y, labelPath);
            var grad = BatchedInference.LossInputGradient(m, images, y, b);
            Npy.WriteFloat32(r.GetValue(output)!, grad, shape);
            stdout.WriteLine($"wrote input gradient {Tensors.Tensor.ShapeString(shape)} to {r.GetValue(output)}");
            if (r.GetValue(png) is { } dir)
            {
                string file = WritePng(dir, images, grad, shape, y, Math.Min(shape[0], Math.Max(1, r.GetValue(pngLimit))));
                stdout.WriteLine($"wrote {file}");
            }
            return 0;
        });
        return cmd;
    }

    private static string WritePng(string dir, float[] images, float[] grad, int[] shape, int[] labels, int count)
    {
        string file = Path.Combine(dir, "saliency.png");
        SaliencyPicture.Build(images, grad, shape, labels, count).SavePng(file);
        return file;
    }
}
