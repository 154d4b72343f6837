using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.DataTests;

public static class DataAssert
{
    /// <summary>The action fails with an InputException whose message names the file and says what is wrong.</summary>
    public static InputException FailsNaming(string path, string problem, Action action)
    {
        var e = Assert.Throws<InputException>(action);
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains(problem, e.Message, StringComparison.OrdinalIgnoreCase);
        return e;
    }
}
