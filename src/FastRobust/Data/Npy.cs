using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// Reads and writes NumPy .npy arrays: little-endian, C order, the dtypes FastRobust exchanges (float32 images,
/// uint8 images, int64/int32 labels). Every problem with a file is an <see cref="InputException"/> that names the
/// file; writes go through <see cref="AtomicFile"/> so a reader never sees half an array.
/// </summary>
public static class Npy
{
    private const int MaxHeaderBytes = 1 << 20;

    // element chunk for streaming data: keeps byte spans far below 2 GiB and the page cache busy
    private const int ChunkBytes = 1 << 22;

    public static (float[] Data, int[] Shape) ReadFloat32(string path) => Guarded(path, () =>
    {
        using var s = Open(path, out var h, ["<f4"], "float32");
        return (ReadData<float>(s, h, path), h.Shape);
    });

    public static (byte[] Data, int[] Shape) ReadUInt8(string path) => Guarded(path, () =>
    {
        using var s = Open(path, out var h, ["|u1"], "uint8");
        return (ReadData<byte>(s, h, path), h.Shape);
    });

    public static (long[] Data, int[] Shape) ReadInt64(string path) => Guarded(path, () =>
    {
        using var s = Open(path, out var h, ["<i8"], "int64");
        return (ReadData<long>(s, h, path), h.Shape);
    });

    /// <summary>Class labels: an int64 or int32 array of shape [N], every value ≥ 0.</summary>
    public static int[] ReadLabels(string path) => Guarded(path, () =>
    {
        using var s = Open(path, out var h, ["<i8", "<i4"], "int64 or int32");
        if (h.Shape.Length != 1)
            throw new InputException($"{path}: labels must have shape [N], not {ShapeString(h.Shape)}");
        int[] labels;
        if (h.Descr == "<i4") labels = ReadData<int>(s, h, path);
        else
        {
            long[] wide = ReadData<long>(s, h, path);
            labels = new int[wide.Length];
            for (int i = 0; i < wide.Length; i++)
            {
                if (wide[i] < 0) throw new InputException($"{path}: label {wide[i]} at index {i} is negative");
                if (wide[i] > int.MaxValue) throw new InputException($"{path}: label {wide[i]} at index {i} is too large");
                labels[i] = (int)wide[i];
            }
        }
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0) throw new InputException($"{path}: label {labels[i]} at index {i} is negative");
        return labels;
    });

    /// <summary>The header alone (dtype and shape), after checking the magic and the version.</summary>
    public static NpyHeader ReadHeader(string path) => Guarded(path, () =>
    {
        using var s = OpenFile(path);
        return ReadHeader(s, path);
    });

    public static void WriteFloat32(string path, float[] data, int[] shape) => Write(path, "<f4", data, shape);

    public static void WriteUInt8(string path, byte[] data, int[] shape) => Write(path, "|u1", data, shape);

    public static void WriteInt64(string path, long[] data, int[] shape) => Write(path, "<i8", data, shape);

    public static void WriteInt32(string path, int[] data, int[] shape) => Write(path, "<i4", data, shape);

    /// <summary>Labels as int64 [N], the dtype PyTorch uses for class indices.</summary>
    public static void WriteLabels(string path, int[] labels) =>
        WriteInt64(path, Array.ConvertAll(labels, v => (long)v), [labels.Length]);

    // ---- reading ----

    /// <summary>An I/O failure part-way through (a vanished disk, a permission change) is the user's problem too.</summary>
    private static T Guarded<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }

    private static FileStream OpenFile(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: file not found");
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>
    /// Opens the file positioned at its data, having checked everything the header promises: a dtype among
    /// <paramref name="accepted"/>, C order, and exactly as many data bytes as the shape needs.
    /// </summary>
    private static FileStream Open(string path, out NpyHeader header, string[] accepted, string expected)
    {
        var s = OpenFile(path);
        try
        {
            var h = ReadHeader(s, path);
            string descr = NormalizeDescr(h.Descr);
            if (!accepted.Contains(descr))
            {
                if (descr.StartsWith('>'))
                    throw new InputException($"{path}: big-endian dtype '{h.Descr}' is not supported (save it little-endian, e.g. arr.astype('<{descr[1..]}'))");
                throw new InputException($"{path}: unsupported dtype '{h.Descr}' (expected {expected})");
            }
            h = h with { Descr = descr };
            // with at most one dimension Fortran and C order are the same layout
            if (h.FortranOrder && h.Shape.Length > 1)
                throw new InputException($"{path}: Fortran-order arrays are not supported (save with np.ascontiguousarray)");
            if (h.Count > Array.MaxLength)
                throw new InputException($"{path}: shape {ShapeString(h.Shape)} has too many elements ({h.Count}) for one array");
            long have = s.Length - h.DataOffset;
            if (have < h.DataBytes)
                throw new InputException($"{path}: truncated: shape {ShapeString(h.Shape)} of {h.Descr} needs {h.DataBytes} data bytes, the file has {have}");
            if (have > h.DataBytes)
                throw new InputException($"{path}: {have} data bytes, but shape {ShapeString(h.Shape)} of {h.Descr} needs {h.DataBytes} (shape and data disagree)");
            header = h;
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private static NpyHeader ReadHeader(Stream s, string path)
    {
        Span<byte> pre = stackalloc byte[12];
        int got = s.ReadAtLeast(pre[..10], 10, throwOnEndOfStream: false);
        if (got < 6 || !pre[..6].SequenceEqual(NpyHeader.Magic))
            throw new InputException($"{path}: not a .npy file (bad magic: it does not start with \\x93NUMPY)");
        if (got < 10) throw new InputException($"{path}: truncated .npy header ({got} bytes)");
        int major = pre[6];
        long headerLen;
        int prefix;
        switch (major)
        {
            case 1:
                headerLen = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..10]);
                prefix = 10;
                break;
            case 2:
            case 3:
                if (s.ReadAtLeast(pre[10..12], 2, throwOnEndOfStream: false) < 2)
                    throw new InputException($"{path}: truncated .npy header");
                headerLen = BinaryPrimitives.ReadUInt32LittleEndian(pre[8..12]);
                prefix = 12;
                break;
            default:
                throw new InputException($"{path}: .npy format version {major}.{pre[7]} is not supported (expected 1.0, 2.0 or 3.0)");
        }
        if (headerLen > MaxHeaderBytes)
            throw new InputException($"{path}: .npy header length {headerLen} is implausible (corrupt file?)");
        var bytes = new byte[headerLen];
        if (s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            throw new InputException($"{path}: truncated .npy header (expected {headerLen} header bytes)");
        // versions 1 and 2 store the header in Latin-1, version 3 in UTF-8
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes);
        return NpyHeader.Parse(text, prefix + headerLen, path);
    }

    /// <summary>One-byte types have no byte order: NumPy writes '|u1' but '&lt;u1' is equally valid.</summary>
    private static string NormalizeDescr(string descr) =>
        descr.Length == 3 && descr[2] == '1' && "<>=|".Contains(descr[0]) ? "|" + descr[1..] : descr;

    private static T[] ReadData<T>(Stream s, NpyHeader h, string path) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading assumes a little-endian host");
        var data = new T[h.Count];
        int chunk = Math.Max(1, ChunkBytes / Marshal.SizeOf<T>());
        for (int off = 0; off < data.Length; off += chunk)
        {
            var bytes = MemoryMarshal.AsBytes(data.AsSpan(off, Math.Min(chunk, data.Length - off)));
            if (s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                throw new InputException($"{path}: truncated while reading its data");
        }
        return data;
    }

    // ---- writing ----

    private static void Write<T>(string path, string descr, T[] data, int[] shape) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing assumes a little-endian host");
        var header = new NpyHeader(descr, false, (int[])shape.Clone(), 0);
        if (shape.Any(d => d < 0)) throw new ArgumentException($"negative dimension in shape {ShapeString(shape)}");
        if (header.Count != data.LongLength)
            throw new ArgumentException($"{data.LongLength} values do not fill shape {ShapeString(shape)}");
        byte[] prefix = EncodeHeader(header.Format());
        AtomicFile.Write(path, s =>
        {
            s.Write(prefix);
            int chunk = Math.Max(1, ChunkBytes / Marshal.SizeOf<T>());
            for (int off = 0; off < data.Length; off += chunk)
                s.Write(MemoryMarshal.AsBytes(data.AsSpan(off, Math.Min(chunk, data.Length - off))));
        });
    }

    /// <summary>Magic, version, length and the dict padded with spaces to a 64-byte boundary, as NumPy aligns it.</summary>
    private static byte[] EncodeHeader(string dict)
    {
        int prefix = 10;
        int total = Align(prefix + dict.Length + 1);
        if (total - prefix > ushort.MaxValue)
        {
            prefix = 12;
            total = Align(prefix + dict.Length + 1);
        }
        var bytes = new byte[total];
        NpyHeader.Magic.CopyTo(bytes);
        bytes[6] = (byte)(prefix == 10 ? 1 : 2);
        bytes[7] = 0;
        int len = total - prefix;
        if (prefix == 10) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)len);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)len);
        int n = Encoding.Latin1.GetBytes(dict, bytes.AsSpan(prefix));
        bytes.AsSpan(prefix + n, total - prefix - n - 1).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;

        static int Align(int n) => (n + 63) / 64 * 64;
    }

    internal static string ShapeString(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
