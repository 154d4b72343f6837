using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FastRobust.Bench;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Study;
using FastRobust.Tensors;
using FastRobust.Tests.BenchCompare;
using Xunit;
using Xunit.Abstractions;

namespace FastRobust.Tests.Fuzz;

/// <summary>
/// Every parser of user files under <see cref="ParserFuzz"/>'s property, seeded with valid files. The normal suite
/// runs a short pass per parser; tools/fuzz.sh runs the long one (docs/reliability.md records its figures).
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private ParserFuzz Fuzz(string parser) => new(output, parser, _dir);

    private byte[] Bytes(Action<string> write)
    {
        string p = Path.Combine(_dir, "seed-" + Guid.NewGuid().ToString("N"));
        write(p);
        return File.ReadAllBytes(p);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Npy()
    {
        var images = Enumerable.Range(0, 2 * 1 * 4 * 4).Select(i => i / 32f).ToArray();
        var seeds = new List<byte[]>
        {
            Bytes(p => FastRobust.Data.Npy.WriteFloat32(p, images, [2, 1, 4, 4])),
            Bytes(p => FastRobust.Data.Npy.WriteUInt8(p, Enumerable.Range(0, 2 * 3 * 3 * 3).Select(i => (byte)(i * 9)).ToArray(), [2, 3, 3, 3])),
            Bytes(p => FastRobust.Data.Npy.WriteLabels(p, [0, 3, 9, 1, 2])),
            Bytes(p => FastRobust.Data.Npy.WriteInt32(p, [4, 1, 0], [3])),
        };
        // images or labels, as the CLI reads them: whichever the header's dtype suits
        Fuzz("npy").Run(seeds, ".npy", viaFile: true, (_, path) =>
        {
            var h = FastRobust.Data.Npy.ReadHeader(path);
            if (h.Descr.EndsWith("f4", StringComparison.Ordinal) || h.Descr.EndsWith("u1", StringComparison.Ordinal)) NpyDataset.ReadImages(path);
            else FastRobust.Data.Npy.ReadLabels(path);
        });
    }

    [Fact]
    public void SafeTensorsFiles()
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=2,hidden=4,bn=true", [1, 8, 8], 3, [0.5f], [0.5f]);
        using var m = Model.Create(spec, Device.Cpu, 1);
        var seeds = new List<byte[]>
        {
            Bytes(p => m.SaveWeights(p, 0, new Dictionary<string, string> { ["format"] = "pt" })),
            File.ReadAllBytes(Fixture("mlp.weights.safetensors")),
        };
        Fuzz("safetensors").Run(seeds, ".safetensors", viaFile: true, (_, path) => FastRobust.Nn.SafeTensors.Read(path));
    }

    [Fact]
    public void ModelSpecs()
    {
        var seeds = new List<byte[]>
        {
            File.ReadAllBytes(Fixture("tiny_cnn.json")),
            File.ReadAllBytes(Fixture("mlp.json")),
            File.ReadAllBytes(Fixture("gap_net.json")),
            Encoding.UTF8.GetBytes(ModelFamilies.Build("vgg11:width=0.125", [3, 32, 32], 10, [0.5f, 0.5f, 0.5f], [0.2f, 0.2f, 0.2f]).ToJson()),
        };
        Fuzz("model-spec").Run(seeds, ".json", viaFile: true, (_, path) => ModelSpec.Load(path));
    }

    [Fact]
    public void StudyFiles()
    {
        const string full = """
            // every kind of entry
            { "name": "fuzz", "dataset": "mnist", "train_images": 64, "test_images": 32, "attack_images": 8, "measure_images": 16,
              "seeds": [0, 1], "device": "cpu",
              "training": { "epochs": 1, "batch": 16, "optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0001 },
              "models": [ { "family": "custom-cnn", "grid": { "depth": [1, 2], "width": 4, "bn": [true, false] }, "training_grid": { "lr": [0.01, 0.001] } },
                          { "family": "vgg11", "grid": { "width": 0.125 }, "name": "small-vgg" } ],
              "conditions": [ { "type": "clean" },
                              { "type": "attack", "attack": "pgd", "eps": [0.03, 0.1], "steps": 3, "alpha": 0.01, "random_start": true },
                              { "type": "attack", "attack": "cw", "eps": 0.5, "steps": 5, "binary_search_steps": 2, "confidence": 0 },
                              { "type": "noise", "sigma": [0.1, 0.2] },
                              { "type": "shift", "shift": "gaussian_noise", "severity": [1, 3] } ],
              "measures": ["performance", "sharpness"],
              "measure_settings": { "sharpness_images": 16, "monte_carlo_samples": 2, "sigma_search_depth": 3, "ascent_steps": 2 },
              "samples": true }
            """;
        var seeds = new List<byte[]> { Encoding.UTF8.GetBytes(full), Encoding.UTF8.GetBytes(StudyPresets.Text("quick")) };
        // what the study verb does before any work: parse, expand, validate
        Fuzz("study").Run(seeds, ".jsonc", viaFile: true, (_, path) =>
        {
            var study = StudyFile.Load(path);
            StudyRunner.Validate(study, StudyPlan.Expand(study), path);
        });
    }

    [Fact]
    public void Cifar10Batches()
    {
        var record = new byte[Cifar10Reader.RecordBytes * 3];
        for (int i = 0; i < record.Length; i++) record[i] = (byte)(i * 31);
        for (int r = 0; r < 3; r++) record[r * Cifar10Reader.RecordBytes] = (byte)(r * 4);
        Fuzz("cifar10").Run([record, record[..Cifar10Reader.RecordBytes]], ".bin", viaFile: true,
            (_, path) => Cifar10Reader.Read([path], "fuzz"));
    }

    [Fact]
    public void MnistIdxFiles()
    {
        static byte[] Idx(int magic, int[] dims, byte[] data)
        {
            var b = new byte[4 + 4 * dims.Length + data.Length];
            BinaryPrimitives.WriteInt32BigEndian(b, magic);
            for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * d), dims[d]);
            data.CopyTo(b, 4 + 4 * dims.Length);
            return b;
        }
        static byte[] Gzip(byte[] b)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(b);
            return ms.ToArray();
        }
        var images = Idx(MnistReader.ImagesMagic, [2, 6, 6], Enumerable.Range(0, 72).Select(i => (byte)(i * 3)).ToArray());
        var labels = Idx(MnistReader.LabelsMagic, [4], [0, 9, 3, 5]);
        Fuzz("mnist-images").Run([images, Gzip(images)], "-idx3-ubyte", viaFile: true,
            (_, path) => IdxFile.ReadUBytes(path, MnistReader.ImagesMagic, "images"));
        Fuzz("mnist-labels").Run([labels, Gzip(labels)], "-idx1-ubyte", viaFile: true,
            (_, path) => IdxFile.ReadUBytes(path, MnistReader.LabelsMagic, "labels"));
    }

    [Fact]
    public void BenchmarkDotNetExports()
    {
        var seeds = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(ResultFiles.Export([new HandMade("Conv", "B=32", 10.0, 9.9, 10.1), new HandMade("Gemm", "N=256", 1.5, null, null, 1),
                new HandMade("Broken", "", null)])),
        };
        Fuzz("benchmarkdotnet").Run(seeds, ".json", viaFile: true, (_, path) => BenchRun.Read(path));
    }
}
