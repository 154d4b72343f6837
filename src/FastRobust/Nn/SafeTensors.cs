using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastRobust.Util;

namespace FastRobust.Nn;

/// <summary>One array of a safetensors file, on the host.</summary>
public sealed record NamedArray(string Name, string DType, int[] Shape, float[] Values);

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each
/// name to {dtype, shape, data_offsets}, then the raw little-endian bytes. We read F32 tensors (and I64 scalars,
/// for batch norm's num_batches_tracked) and write F32 plus those I64 scalars, so PyTorch's load_state_dict
/// accepts our files and we accept an exported nn.Sequential state_dict.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeader = 100L << 20;

    public static Dictionary<string, NamedArray> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: weights file not found");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new InputException($"{path}: cannot read: {e.Message}"); }
        return Parse(bytes, path);
    }

    public static Dictionary<string, NamedArray> Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 8) throw new InputException($"{source}: truncated safetensors file ({bytes.Length} bytes, no header)");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLen > MaxHeader || (long)headerLen > bytes.Length - 8)
            throw new InputException($"{source}: truncated or not a safetensors file (header length {headerLen}, file {bytes.Length} bytes)");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLen)) as JsonObject
                ?? throw new InputException($"{source}: safetensors header is not a JSON object");
        }
        catch (JsonException e) { throw new InputException($"{source}: safetensors header is not valid JSON: {e.Message}"); }
        long dataStart = 8 + (long)headerLen, dataLen = bytes.Length - dataStart;
        var result = new Dictionary<string, NamedArray>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            string where = $"{source}: tensor '{name}'";
            try { result[name] = ParseEntry(bytes, node, where, dataStart, dataLen, name); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new InputException($"{where}: malformed header entry ({e.Message})");
            }
        }
        return result;
    }

    private static NamedArray ParseEntry(byte[] bytes, JsonNode? node, string where, long dataStart, long dataLen, string name)
    {
        if (node is not JsonObject o) throw new InputException($"{where}: header entry is not an object");
        string dtype = o["dtype"]?.GetValue<string>() ?? throw new InputException($"{where}: no dtype");
        int[] shape = o["shape"] is JsonArray sa ? sa.Select(v => v!.GetValue<int>()).ToArray() : throw new InputException($"{where}: no shape");
        if (o["data_offsets"] is not JsonArray off || off.Count != 2) throw new InputException($"{where}: no data_offsets");
        long begin = off[0]!.GetValue<long>(), end = off[1]!.GetValue<long>();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int size = dtype switch { "F32" => 4, "I64" => 8, "F64" => 8, "F16" or "BF16" => 2, "I32" => 4, _ => 1 };
        if (begin < 0 || end < begin || end > dataLen)
            throw new InputException($"{where}: data [{begin}, {end}) lies outside the file's {dataLen} data bytes (truncated file?)");
        if (end - begin != count * size)
            throw new InputException($"{where}: {end - begin} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
        var span = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
        float[] values = dtype switch
        {
            "F32" => MemoryMarshal.Cast<byte, float>(span).ToArray(),
            "I64" => MemoryMarshal.Cast<byte, long>(span).ToArray().Select(v => (float)v).ToArray(),
            _ => throw new InputException($"{where}: dtype {dtype} is not supported (weights must be F32)"),
        };
        return new NamedArray(name, dtype, shape, values);
    }

    /// <summary>Writes the arrays (F32, or I64 when DType says so) atomically.</summary>
    public static void Write(string path, IEnumerable<NamedArray> arrays, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = arrays.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var a in list)
        {
            int size = a.DType == "I64" ? 8 : 4;
            long bytes = (long)a.Values.Length * size;
            header[a.Name] = new JsonObject
            {
                ["dtype"] = a.DType == "I64" ? "I64" : "F32",
                ["shape"] = new JsonArray(a.Shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        AtomicFile.Write(path, s =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            s.Write(len);
            s.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++) s.WriteByte((byte)' ');
            foreach (var a in list)
            {
                if (a.DType == "I64") s.Write(MemoryMarshal.AsBytes(a.Values.Select(v => (long)v).ToArray().AsSpan()));
                else s.Write(MemoryMarshal.AsBytes(a.Values.AsSpan()));
            }
        });
    }
}
