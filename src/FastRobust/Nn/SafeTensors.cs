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

    /// <summary>Bytes per element of the dtypes the format names (the safetensors spec's list).</summary>
    private static readonly Dictionary<string, int> DTypeSizes = new()
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["F64"] = 8, ["I64"] = 8, ["U64"] = 8,
    };

    /// <summary>
    /// Reads a file: the header first (its length checked against the file's, then the JSON), every entry checked,
    /// and only then the tensors' bytes. Symbolic links are followed.
    /// </summary>
    public static Dictionary<string, NamedArray> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: weights file not found");
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(s, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>An in-memory file (tests, fuzzing).</summary>
    public static Dictionary<string, NamedArray> Parse(byte[] bytes, string source)
    {
        using var s = new MemoryStream(bytes, writable: false);
        return Read(s, source);
    }

    private sealed record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    private static Dictionary<string, NamedArray> Read(Stream s, string source)
    {
        long length = s.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || s.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new InputException($"{source}: truncated safetensors file ({length} bytes, no header)");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLen == 0 || headerLen > MaxHeader || (long)headerLen > length - 8)
            throw new InputException($"{source}: truncated or not a safetensors file (header length {headerLen}, file {length} bytes)");
        var headerBytes = new byte[headerLen];
        if (s.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
            throw new InputException($"{source}: truncated safetensors header");
        if (JsonInput.Parse(headerBytes, source, "the safetensors header") is not JsonObject header)
            throw new InputException($"{source}: the safetensors header is not a JSON object");
        long dataStart = 8 + (long)headerLen, dataLen = length - dataStart;

        var entries = new List<Entry>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject meta || meta.Any(kv => kv.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                    throw new InputException($"{source}: '__metadata__' must be an object of strings");
                continue;
            }
            entries.Add(ParseEntry(node, $"{source}: tensor '{name}'", name, dataLen));
        }
        CheckLayout(entries, dataLen, source);

        var result = new Dictionary<string, NamedArray>();
        foreach (var e in entries)
        {
            s.Position = dataStart + e.Begin;
            result[e.Name] = new NamedArray(e.Name, e.DType, e.Shape, ReadValues(s, e, $"{source}: tensor '{e.Name}'"));
        }
        return result;
    }

    private static Entry ParseEntry(JsonNode? node, string where, string name, long dataLen)
    {
        if (node is not JsonObject o) throw new InputException($"{where}: header entry is not an object");
        foreach (var (key, _) in o)
            if (key is not ("dtype" or "shape" or "data_offsets"))
                throw new InputException($"{where}: unknown field '{key}' (expected dtype, shape, data_offsets)");
        string dtype = o["dtype"] is JsonValue dv && dv.GetValueKind() == JsonValueKind.String ? dv.GetValue<string>()
            : throw new InputException($"{where}: 'dtype' must be a string");
        if (!DTypeSizes.TryGetValue(dtype, out int size)) throw new InputException($"{where}: unknown dtype '{dtype}'");
        if (o["shape"] is not JsonArray sa) throw new InputException($"{where}: 'shape' must be an array of sizes");
        int[] shape = sa.Select(v => Integer(v, $"{where}: 'shape'", int.MaxValue)).Select(v => (int)v).ToArray();
        if (o["data_offsets"] is not JsonArray off || off.Count != 2) throw new InputException($"{where}: 'data_offsets' must be [begin, end]");
        long begin = Integer(off[0], $"{where}: 'data_offsets'", long.MaxValue), end = Integer(off[1], $"{where}: 'data_offsets'", long.MaxValue);
        if (end < begin || end > dataLen)
            throw new InputException($"{where}: data [{begin}, {end}) lies outside the file's {dataLen} data bytes (truncated file?)");
        // Int128: the product of the sizes may exceed a long
        Int128 bytes = shape.Aggregate((Int128)size, (a, d) => a * d);
        if (bytes != end - begin)
            throw new InputException($"{where}: {end - begin} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
        if (dtype is not ("F32" or "I64"))
            throw new InputException($"{where}: dtype {dtype} is not supported (weights must be F32; I64 only for counters)");
        if (bytes > int.MaxValue) throw new InputException($"{where}: {bytes} bytes, more than one tensor may hold here (2 GiB)");
        return new Entry(name, dtype, shape, begin, end);
    }

    /// <summary>A non-negative JSON integer up to <paramref name="max"/> (a null, a fraction or a string is refused).</summary>
    private static long Integer(JsonNode? n, string what, long max)
    {
        if (n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) && l >= 0 && l <= max) return l;
        throw new InputException($"{what} must hold integers from 0 to {max}, got {(n is null ? "null" : n.ToJsonString())}");
    }

    /// <summary>
    /// As the format requires: the tensors' byte ranges tile the data area exactly, with no overlap (one tensor
    /// aliasing another) and no gap.
    /// </summary>
    private static void CheckLayout(List<Entry> entries, long dataLen, string source)
    {
        long at = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < at) throw new InputException($"{source}: tensor '{e.Name}' [{e.Begin}, {e.End}) overlaps the bytes of another tensor");
            if (e.Begin > at) throw new InputException($"{source}: bytes [{at}, {e.Begin}) of the data belong to no tensor");
            at = e.End;
        }
        if (at != dataLen) throw new InputException($"{source}: the last {dataLen - at} data bytes belong to no tensor (header and data disagree)");
    }

    private static float[] ReadValues(Stream s, Entry e, string where)
    {
        long count = (e.End - e.Begin) / (e.DType == "I64" ? 8 : 4);
        var values = new float[count];
        if (e.DType == "F32")
        {
            if (s.ReadAtLeast(MemoryMarshal.AsBytes(values.AsSpan()), (int)(e.End - e.Begin), throwOnEndOfStream: false) < e.End - e.Begin)
                throw new InputException($"{where}: truncated while reading its data");
            for (long i = 0; i < values.LongLength; i++)
                if (!float.IsFinite(values[i]))
                    throw new InputException($"{where}: value {values[i]} at index {i} is not finite (a diverged training run?)");
        }
        else
        {
            var wide = new long[count];
            if (s.ReadAtLeast(MemoryMarshal.AsBytes(wide.AsSpan()), (int)(e.End - e.Begin), throwOnEndOfStream: false) < e.End - e.Begin)
                throw new InputException($"{where}: truncated while reading its data");
            for (long i = 0; i < count; i++) values[i] = wide[i];
        }
        return values;
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
