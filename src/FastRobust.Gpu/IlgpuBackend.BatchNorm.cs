using FastRobust.Kernels;
using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    private static NormShape Shape(in BatchNormGeometry g) => new() { E = g.E, N = g.N, C = g.C, HW = g.HW };

    public override void BatchNormTrainForward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
        FloatBuffer y, FloatBuffer saveMean, FloatBuffer saveInvStd, FloatBuffer runMean, FloatBuffer runVar, float momentum, float eps)
    {
        N(g.Count);
        if (g.E * g.C > 0)
            K.BnTrain(Blocks((long)g.E * g.C), V(x), V(gamma), V(beta), V(y), V(saveMean), V(saveInvStd), V(runMean), V(runVar),
                Shape(g), momentum, eps);
    }

    public override void BatchNormEvalForward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
        FloatBuffer runMean, FloatBuffer runVar, float eps, FloatBuffer y)
    {
        if (g.Count > 0) K.BnEval(Elements(g.Count), V(x), V(gamma), V(beta), V(runMean), V(runVar), V(y), N(g.Count), Shape(g), eps);
    }

    public override void BatchNormBackward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer gamma,
        FloatBuffer saveMean, FloatBuffer saveInvStd, FloatBuffer? dx, FloatBuffer? dgamma, FloatBuffer? dbeta)
    {
        N(g.Count);
        if (g.E * g.C > 0)
            K.BnBackward(Blocks((long)g.E * g.C), V(x), V(dy), V(gamma), V(saveMean), V(saveInvStd), VOrDummy(dx), VOrDummy(dgamma),
                VOrDummy(dbeta), Shape(g), dx is null ? 0 : 1, dgamma is null ? 0 : 1, dbeta is null ? 0 : 1);
    }

    public override void BatchNormEvalBackward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer gamma,
        FloatBuffer runMean, FloatBuffer runVar, float eps, FloatBuffer? dx, FloatBuffer? dgamma, FloatBuffer? dbeta)
    {
        N(g.Count);
        if (g.E * g.C > 0)
            K.BnEvalBackward(Blocks((long)g.E * g.C), V(x), V(dy), V(gamma), V(runMean), V(runVar), VOrDummy(dx), VOrDummy(dgamma),
                VOrDummy(dbeta), Shape(g), eps, dx is null ? 0 : 1, dgamma is null ? 0 : 1, dbeta is null ? 0 : 1);
    }
}
