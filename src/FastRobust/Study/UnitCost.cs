using FastRobust.Attacks;
using FastRobust.Nn;

namespace FastRobust.Study;

/// <summary>
/// An estimate of how much work a unit is, used to spread units evenly over shards. It counts multiply-adds:
/// the model's forward pass per image (convolutions and linear layers, plus one per activation value for the
/// elementwise layers) times the images it sees — training (a forward and a backward pass, about three forward
/// passes, per image and epoch, plus the inner attack's steps in adversarial training) and evaluation (the study's conditions, the same for every unit). The estimate
/// depends on the study file only, never on the machine, so every shard of a study computes the same assignment.
/// </summary>
public static class UnitCost
{
    /// <summary>Forward-pass equivalents an attack spends per image and step (a forward and a backward pass).</summary>
    private const double PassesPerAttackStep = 3;
    /// <summary>Steps assumed for an iterative attack whose condition does not give "steps".</summary>
    private const int DefaultAttackSteps = 10;

    /// <summary>The estimated cost of each unit, in multiply-adds, in unit order.</summary>
    public static double[] Estimate(StudyFile study, IReadOnlyList<WorkUnit> units)
    {
        var (input, classes, trainImages, testImages) = Shape(study);
        double evaluationImages = EvaluationPasses(study, testImages);
        var macsByArchitecture = new Dictionary<string, double>();
        var costs = new double[units.Count];
        for (int i = 0; i < units.Count; i++)
        {
            var u = units[i];
            string key = u.FamilyArgs ?? u.Spec!;
            if (!macsByArchitecture.TryGetValue(key, out double macs))
            {
                var spec = u.FamilyArgs != null
                    ? ModelFamilies.Build(u.FamilyArgs, input, classes, new float[input[0]], Enumerable.Repeat(1f, input[0]).ToArray())
                    : ModelSpec.Load(u.Spec!);
                macsByArchitecture[key] = macs = ForwardMacs(spec);
            }
            int epochs = int.Parse(u.Training["epochs"], System.Globalization.CultureInfo.InvariantCulture);
            costs[i] = macs * (TrainingPasses(u) * epochs * trainImages + evaluationImages);
        }
        return costs;
    }

    /// <summary>
    /// Forward-pass equivalents per training image and epoch: a forward and a backward pass, plus the inner attack's
    /// steps for adversarial training (each a forward and a backward pass to the input).
    /// </summary>
    private static double TrainingPasses(WorkUnit u)
    {
        var robust = RobustTrainingSettings.Read(u.Training, u.Id);
        return 3.0 + (robust.Adversarial ? robust.Steps!.Value * PassesPerAttackStep : 0);
    }

    /// <summary>Multiply-adds of one image's forward pass.</summary>
    public static double ForwardMacs(ModelSpec spec)
    {
        double total = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            int[] inShape = spec.Shapes[i], outShape = spec.Shapes[i + 1];
            double outElements = outShape.Aggregate(1.0, (a, b) => a * b);
            var l = spec.Layers[i];
            total += l.Type switch
            {
                "conv2d" => outElements * inShape[0] * l.Kernel * l.Kernel,
                "linear" => outElements * inShape[0],
                _ => outElements,
            };
        }
        return total;
    }

    /// <summary>
    /// Input shape, classes and image counts the units will see. "auto" counts as CIFAR-10 (what it finds when
    /// present): the estimate must not depend on which data a machine has.
    /// </summary>
    private static (int[] Input, int Classes, double Train, double Test) Shape(StudyFile study)
    {
        bool mnist = study.Dataset == "mnist";
        int[] input = mnist ? [1, 28, 28] : [3, 32, 32];
        double trainAll = mnist ? 60000 : 50000, testAll = 10000;
        double train = study.TrainImages > 0 ? Math.Min(study.TrainImages, trainAll) : trainAll;
        double test = study.TestImages > 0 ? Math.Min(study.TestImages, testAll) : testAll;
        return (input, 10, train, test);
    }

    /// <summary>Forward-pass equivalents per unit for evaluating every condition (the same for all units of a study).</summary>
    private static double EvaluationPasses(StudyFile study, double testImages)
    {
        double attackImages = Math.Min(Math.Max(1, study.AttackImages), testImages);
        double passes = 0;
        foreach (var c in study.Conditions)
        {
            passes += c.Type switch
            {
                "clean" => testImages + attackImages,
                "noise" => c.Levels.Length * attackImages,
                "shift" => c.Levels.Length * attackImages * (c.Name == "all" ? Shifts.Generation.Corruptions.All.Count : c.Name == "benchmark" ? Shifts.Generation.Corruptions.Benchmark.Count : 1),
                "attack" => c.Levels.Length * attackImages * PassesPerAttackStep * AttackSteps(c),
                _ => 0,
            };
        }
        return passes + Math.Min(study.MeasureImages, testImages) * study.Measures.Length;
    }

    private static int AttackSteps(ConditionEntry c)
    {
        if (c.Settings.TryGetValue("steps", out var node) && node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out double steps) && steps >= 1)
            return (int)steps;
        // AutoAttack standard on a robust sample: 100 APGD-CE steps, 9 × 100 APGD-T and FAB-T steps, 5,000 Square queries (a third of a step each)
        if (AttackRegistry.Canonical(c.Name ?? "") is "autoattack" or "autoattack-l2") return 100 + 900 + 900 + 5000 / 3;
        return c.Name == "fgsm" ? 1 : DefaultAttackSteps;
    }
}
