using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastRobust.Util;

/// <summary>
/// The one way user JSON is read (model specs, study files, safetensors headers, benchmark exports): comments and
/// trailing commas allowed, a repeated key refused (JSON leaves its meaning open, and two readers could take
/// different values), and every failure an <see cref="InputException"/> that names the file.
/// </summary>
public static class JsonInput
{
    /// <summary>Nesting deeper than any file we read needs; deeper input is refused, not recursed into.</summary>
    public const int MaxDepth = 64;

    public static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>Parses <paramref name="text"/>; <paramref name="what"/> says what the file is ("model spec", ...).</summary>
    public static JsonNode? Parse(string text, string source, string what) =>
        Guard(() => JsonNode.Parse(text, documentOptions: Options), source, what);

    public static JsonNode? Parse(byte[] utf8, string source, string what)
    {
        CheckUtf8(utf8, source, what);
        return Guard(() => JsonNode.Parse(utf8, documentOptions: Options), source, what);
    }

    public static JsonDocument ParseDocument(Stream stream, string source, string what)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] utf8 = buffer.ToArray();
        CheckUtf8(utf8, source, what);
        return Guard(() => JsonDocument.Parse(utf8, Options), source, what);
    }

    /// <summary>
    /// Invalid UTF-8 inside a string or a key passes the parser and fails later, when the text is first read, with
    /// an exception that names nothing: refuse it here.
    /// </summary>
    private static void CheckUtf8(byte[] utf8, string source, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8)) throw new InputException($"{source}: {what} is not valid UTF-8 text");
    }

    private static T Guard<T>(Func<T> parse, string source, string what)
    {
        try { return parse(); }
        catch (JsonException e) when (e.Message.Contains("uplicate", StringComparison.Ordinal))
        {
            throw new InputException($"{source}: {what} has a duplicate key: {Message(e)}");
        }
        catch (JsonException e) { throw new InputException($"{source}: {what} is not valid JSON: {Message(e)}"); }
        catch (ArgumentException e) { throw new InputException($"{source}: {what} is not valid JSON: {e.Message}"); }
        catch (InvalidOperationException e) { throw new InputException($"{source}: {what} is not valid JSON: {e.Message}"); }
    }

    /// <summary>System.Text.Json's message with its path and position, on one line.</summary>
    private static string Message(JsonException e) => e.Message.ReplaceLineEndings(" ");
}
