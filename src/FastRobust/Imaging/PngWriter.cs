using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FastRobust.Util;

namespace FastRobust.Imaging;

/// <summary>
/// A minimal PNG encoder (8-bit RGB, no interlace, filter 0, zlib from the BCL): enough for image grids and
/// saliency maps without taking a graphics library for it.
/// </summary>
public static class PngWriter
{
    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Writes rgb (height·width·3 bytes, row-major) as a PNG file, atomically.</summary>
    public static void WriteRgb(string path, byte[] rgb, int width, int height)
    {
        if (rgb.Length != width * height * 3) throw new ArgumentException("pixel buffer does not match the size");
        AtomicFile.Write(path, s =>
        {
            s.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
            var ihdr = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
            BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
            ihdr[8] = 8;  // bit depth
            ihdr[9] = 2;  // colour type: RGB
            Chunk(s, "IHDR", ihdr);
            using var raw = new MemoryStream();
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    z.WriteByte(0); // filter: none
                    z.Write(rgb, y * width * 3, width * 3);
                }
            }
            Chunk(s, "IDAT", raw.ToArray());
            Chunk(s, "IEND", []);
        });
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    private static uint Crc(uint crc, byte[] data)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
