namespace FastRobust.Util;

/// <summary>
/// Bad input from the user (a malformed file, a missing dataset, an impossible option). The message names what
/// is wrong and where; the CLI prints it on one line and exits with code 2.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string message) : base(message) { }

    public InputException(string message, Exception inner) : base(message, inner) { }
}
