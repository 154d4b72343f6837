namespace FastRobust.Nn.Optim;

/// <summary>
/// The optimizers of an ensemble's members, stepped together: member e's optimizer updates member e's elements of
/// every parameter, with its own kind, learning rate and settings, as if it trained alone.
/// </summary>
public sealed class MemberOptimizers(IReadOnlyList<Optimizer> members) : Optimizer(members[0].Params, members[0].Lr)
{
    public IReadOnlyList<Optimizer> Members { get; } = members;

    public override void Step()
    {
        foreach (var m in Members) m.Step();
    }

    protected override void Update(Parameter p, Tensors.Tensor value, Tensors.Tensor grad, long offset, long n) =>
        throw new InvalidOperationException("the members' optimizers update their own slices");
}
