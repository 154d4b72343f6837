using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FastRobust.Tests.DataTests;

/// <summary>
/// Small files in the real formats, built byte by byte here (independently of the readers) so the tests know
/// every value the readers must return.
/// </summary>
public static class Fixtures
{
    /// <summary>The pixel byte at position i of record r in the fake CIFAR batches.</summary>
    public static byte CifarPixel(int record, int i) => (byte)((record * 7 + i * 13) % 256);

    /// <summary>A CIFAR-10 batch: one label byte and 3072 pixel bytes per record.</summary>
    public static byte[] CifarBatch(params int[] labels)
    {
        var bytes = new byte[labels.Length * 3073];
        for (int r = 0; r < labels.Length; r++)
        {
            bytes[r * 3073] = (byte)labels[r];
            for (int i = 0; i < 3072; i++) bytes[r * 3073 + 1 + i] = CifarPixel(r, i);
        }
        return bytes;
    }

    public static byte IdxPixel(int image, int i) => (byte)((image * 31 + i * 5) % 256);

    /// <summary>An idx3 image file: magic 2051, count, rows, cols (big-endian), then the pixels.</summary>
    public static byte[] IdxImages(int count, int rows, int cols, int magic = 2051)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int n = 0; n < count; n++)
            for (int i = 0; i < rows * cols; i++) bytes[16 + n * rows * cols + i] = IdxPixel(n, i);
        return bytes;
    }

    /// <summary>An idx1 label file: magic 2049, count, then one byte per label.</summary>
    public static byte[] IdxLabels(int[] labels, int magic = 2049)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        for (int i = 0; i < labels.Length; i++) bytes[8 + i] = (byte)labels[i];
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>
    /// A .npy file as NumPy lays it out: magic, version, little-endian header length, the dict padded with spaces
    /// and a newline to a multiple of 64 bytes, then the data.
    /// </summary>
    public static byte[] Npy(string dict, byte[] data, int major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = new byte[total];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(header, 0);
        header[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)(total - prefix));
        Encoding.ASCII.GetBytes(dict).CopyTo(header, prefix);
        for (int i = prefix + dict.Length; i < total - 1; i++) header[i] = (byte)' ';
        header[^1] = (byte)'\n';
        return [.. header, .. data];
    }

    public static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Bytes(long[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Bytes(int[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
