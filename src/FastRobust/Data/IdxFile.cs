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
            return Parse(s, path, magic, kind);
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

    private static (int[], byte[]) Parse(Stream s, string path, int magic, string kind)
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
        var data = new byte[count];
        int got = s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
            throw new InputException($"{path}: truncated: the header promises {count} data bytes for sizes [{string.Join(", ", dims)}], the file has {got}");
        if (s.ReadByte() != -1)
            throw new InputException($"{path}: more data than the header's sizes [{string.Join(", ", dims)}] account for");
        return (dims, data);
    }
}
