namespace FastRobust.Tensors;

/// <summary>
/// One recorded op on the define-by-run tape: its inputs and a closure that turns the gradient of its output
/// into gradients of those inputs (handed to <see cref="GradSink.Add"/>).
/// </summary>
internal sealed class Node(string name, Tensor[] inputs, Action<Tensor, GradSink> backward)
{
    public string Name { get; } = name;
    public Tensor[] Inputs { get; } = inputs;
    public Action<Tensor, GradSink> Backward { get; } = backward;
}
