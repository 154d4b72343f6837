using System.Buffers.Binary;
using System.IO.Compression;
using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// The idx format of MNIST (LeCun's page): a big-endian magic 0x0000TTDD (TT = 0x08 for unsigned bytes,
/// DD = number of dimensions), DD big-endian int32 sizes, then the bytes. Files may be gzipped; we look at the
/// first two bytes (0x1f 0x8b) rather than the name, so a renamed file still reads.
/// </summary>
internal static class IdxFile
{
    /// <summary>Reads an unsigned-byte idx file whose magic must be <paramref name="magic"/>; returns its sizes and data.</summary>
    public static (int[] Dims, byte[] Data) ReadUBytes(string path, int magic, string kind)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: MNIST {kind} file not found");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            bool gz = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream s = gz ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Parse(s, path, magic, kind, gz ? null : file.Length);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: corrupt gzip data: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>Public for fuzzing: the same checks on an in-memory file.</summary>
    public static (int[] Dims, byte[] Data) ParseBytes(byte[] bytes, string path, int magic, string kind)
    {
        try
        {
            bool gz = bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
            using var file = new MemoryStream(bytes, writable: false);
            using Stream s = gz ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Parse(s, path, magic, kind, gz ? null : bytes.Length);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: corrupt gzip data: {e.Message}");
        }
    }

    private static (int[], byte[]) Parse(Stream s, string path, int magic, string kind, long? fileLength)
    {
        Span<byte> word = stackalloc byte[4];
        if (s.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            throw new InputException($"{path}: truncated: no idx header");
        int found = BinaryPrimitives.ReadInt32BigEndian(word);
        if (found != magic)
            throw new InputException($"{path}: bad magic number {found} (expected {magic} for an MNIST {kind} file)");
        var dims = new int[magic & 0xff];
        long count = 1;
        for (int d = 0; d < dims.Length; d++)
        {
            if (s.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
                throw new InputException($"{path}: truncated idx header");
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] < 0 || (d > 0 && dims[d] == 0))
                throw new InputException($"{path}: invalid size {dims[d]} in dimension {d} of the idx header");
            count *= dims[d];
            if (count > Array.MaxLength) throw new InputException($"{path}: idx header sizes [{string.Join(", ", dims[..(d + 1)])}] are implausibly large");
        }
        if (dims.Length > 0 && dims[0] == 0) throw new InputException($"{path}: the idx header promises no {kind} (an empty set)");
        long headerBytes = 4L * (dims.Length + 1);
        // a plain file's length bounds the allocation; a gzip stream is read in pieces, so a lying header costs no more than the data
        if (fileLength is long fl && fl - headerBytes < count)
            throw new InputException($"{path}: truncated: the header promises {count} data bytes for sizes [{string.Join(", ", dims)}], the file has {fl - headerBytes}");
        byte[] data = fileLength is null ? ReadGrowing(s, count) : new byte[count];
        int got = fileLength is null ? data.Length : s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < count)
            throw new InputException($"{path}: truncated: the header promises {count} data bytes for sizes [{string.Join(", ", dims)}], the file has {got}");
        if (s.ReadByte() != -1)
            throw new InputException($"{path}: more data than the header's sizes [{string.Join(", ", dims)}] account for");
        return (dims, data);
    }

    /// <summary>Up to <paramref name="count"/> bytes, in pieces of at most 1 MiB, so the buffer grows only with the data actually there.</summary>
    private static byte[] ReadGrowing(Stream s, long count)
    {
        using var buffer = new MemoryStream();
        var piece = new byte[(int)Math.Min(count, 1 << 20)];
        while (buffer.Length < count)
        {
            int want = (int)Math.Min(piece.Length, count - buffer.Length);
            int got = s.ReadAtLeast(piece.AsSpan(0, want), want, throwOnEndOfStream: false);
            buffer.Write(piece, 0, got);
            if (got < want) break;
        }
        return buffer.ToArray();
    }
}
