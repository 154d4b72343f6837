namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// A baseline JPEG encoder (ITU-T T.81 sequential DCT, Huffman): Annex K quantisation tables scaled by quality as
/// libjpeg scales them, 4:2:0 or 4:4:4 chroma (grey images: one component), the islow DCT, the Annex K Huffman
/// tables, and a JFIF file (SOI, APP0, DQT, SOF0, DHT, SOS, EOI) as libjpeg lays it out. Written from the standard
/// so that, for the same pixels and quality, the coefficients — and so the decoded pixels — are libjpeg's.
/// </summary>
public static class JpegEncoder
{
    /// <summary>Encodes 8-bit pixels (interleaved rows, 1 or 3 channels) as a JFIF file.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality,
        JpegSubsampling subsampling = JpegSubsampling.Yuv420) => Write(Analyze(pixels, width, height, channels, quality, subsampling));

    /// <summary>The lossy stage: colour conversion, subsampling, DCT and quantisation.</summary>
    public static JpegFrame Analyze(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality,
        JpegSubsampling subsampling = JpegSubsampling.Yuv420)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"JPEG encoding takes 1 or 3 channels, not {channels}");
        if (width <= 0 || height <= 0 || width > 65535 || height > 65535) throw new ArgumentException($"image size {width} × {height} is outside 1..65535");
        if (pixels.Length < width * height * channels) throw new ArgumentException("fewer pixels than width × height × channels");
        var luma = JpegTables.Scaled(JpegTables.Luminance, quality);
        var chroma = JpegTables.Scaled(JpegTables.Chrominance, quality);
        bool sub = channels == 3 && subsampling == JpegSubsampling.Yuv420;
        int hs = sub ? 2 : 1;
        JpegComponent[] comps = channels == 1
            ? [new JpegComponent { Id = 1, H = 1, V = 1, Table = 0 }]
            : [new JpegComponent { Id = 1, H = hs, V = hs, Table = 0 }, new JpegComponent { Id = 2, H = 1, V = 1, Table = 1 }, new JpegComponent { Id = 3, H = 1, V = 1, Table = 1 }];
        var probe = new JpegFrame { Width = width, Height = height, Components = comps, QuantTables = [luma, chroma, null, null] };
        int mx = probe.McusX, my = probe.McusY;
        // full-resolution planes padded to whole MCUs by repeating the last column and row, as libjpeg's edge expansion
        int fw = mx * 8 * hs, fh = my * 8 * hs;
        var planes = new byte[channels][];
        for (int c = 0; c < channels; c++) planes[c] = new byte[fw * fh];
        for (int y = 0; y < fh; y++)
        {
            int sy = Math.Min(y, height - 1);
            for (int x = 0; x < fw; x++)
            {
                int s = (sy * width + Math.Min(x, width - 1)) * channels;
                if (channels == 1) planes[0][y * fw + x] = pixels[s];
                else
                {
                    JpegColor.RgbToYcc(pixels[s], pixels[s + 1], pixels[s + 2], out byte yy, out byte cb, out byte cr);
                    planes[0][y * fw + x] = yy;
                    planes[1][y * fw + x] = cb;
                    planes[2][y * fw + x] = cr;
                }
            }
        }
        var outComps = new JpegComponent[channels];
        Span<int> block = stackalloc int[64];
        for (int c = 0; c < channels; c++)
        {
            var comp = comps[c];
            int bx = mx * comp.H, by = my * comp.V, pw = bx * 8, ph = by * 8;
            byte[] plane = planes[c];
            if (pw != fw)
            {
                plane = new byte[pw * ph];
                JpegColor.DownsampleH2V2(planes[c], fw, plane, pw, ph);
            }
            var coef = new short[bx * by * 64];
            var q = c == 0 ? luma : chroma;
            for (int b = 0; b < bx * by; b++)
            {
                int ox = b % bx * 8, oy = b / bx * 8;
                for (int i = 0; i < 64; i++) block[i] = plane[(oy + i / 8) * pw + ox + i % 8] - 128;
                JpegDct.Forward(block);
                for (int i = 0; i < 64; i++) coef[b * 64 + i] = JpegDct.Quantize(block[i], q[i]);
            }
            outComps[c] = new JpegComponent { Id = comp.Id, H = comp.H, V = comp.V, Table = comp.Table, BlocksX = bx, BlocksY = by, Coefficients = coef };
        }
        return new JpegFrame { Width = width, Height = height, Components = outComps, QuantTables = channels == 1 ? [luma, null, null, null] : [luma, chroma, null, null] };
    }

    /// <summary>The lossless stage: a JFIF file of a frame, with the Annex K Huffman tables.</summary>
    public static byte[] Write(JpegFrame frame)
    {
        var o = new MemoryStream();
        Marker(o, 0xD8);
        // APP0 JFIF 1.01, no units, 1:1 density, no thumbnail
        Segment(o, 0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        for (int t = 0; t < frame.QuantTables.Length; t++)
        {
            if (frame.QuantTables[t] is not { } q) continue;
            var body = new byte[65];
            body[0] = (byte)t;
            for (int k = 0; k < 64; k++) body[1 + k] = (byte)q[JpegTables.ZigZag[k]];
            Segment(o, 0xDB, body);
        }
        var sof = new List<byte> { 8, (byte)(frame.Height >> 8), (byte)frame.Height, (byte)(frame.Width >> 8), (byte)frame.Width, (byte)frame.Components.Length };
        foreach (var c in frame.Components) sof.AddRange([(byte)c.Id, (byte)(c.H << 4 | c.V), (byte)c.Table]);
        Segment(o, 0xC0, sof.ToArray());
        bool colour = frame.Components.Length > 1;
        Dht(o, 0x00, JpegTables.DcLuminanceBits, JpegTables.DcLuminanceValues);
        Dht(o, 0x10, JpegTables.AcLuminanceBits, JpegTables.AcLuminanceValues);
        if (colour)
        {
            Dht(o, 0x01, JpegTables.DcChrominanceBits, JpegTables.DcChrominanceValues);
            Dht(o, 0x11, JpegTables.AcChrominanceBits, JpegTables.AcChrominanceValues);
        }
        var sos = new List<byte> { (byte)frame.Components.Length };
        for (int i = 0; i < frame.Components.Length; i++) sos.AddRange([(byte)frame.Components[i].Id, (byte)(i == 0 ? 0x00 : 0x11)]);
        sos.AddRange([0, 63, 0]);
        Segment(o, 0xDA, sos.ToArray());
        var dcL = HuffmanCode.Build(JpegTables.DcLuminanceBits, JpegTables.DcLuminanceValues);
        var acL = HuffmanCode.Build(JpegTables.AcLuminanceBits, JpegTables.AcLuminanceValues);
        var dcC = HuffmanCode.Build(JpegTables.DcChrominanceBits, JpegTables.DcChrominanceValues);
        var acC = HuffmanCode.Build(JpegTables.AcChrominanceBits, JpegTables.AcChrominanceValues);
        var bits = new BitWriter(o);
        var pred = new int[frame.Components.Length];
        for (int my = 0; my < frame.McusY; my++)
        for (int mx = 0; mx < frame.McusX; mx++)
            for (int ci = 0; ci < frame.Components.Length; ci++)
            {
                var c = frame.Components[ci];
                var (dc, ac) = ci == 0 ? (dcL, acL) : (dcC, acC);
                for (int v = 0; v < c.V; v++)
                for (int h = 0; h < c.H; h++)
                {
                    int b = (my * c.V + v) * c.BlocksX + mx * c.H + h;
                    EncodeBlock(bits, c.Coefficients.AsSpan(b * 64, 64), ref pred[ci], dc, ac);
                }
            }
        bits.Flush();
        Marker(o, 0xD9);
        return o.ToArray();
    }

    private static void EncodeBlock(BitWriter bits, ReadOnlySpan<short> coef, ref int pred, HuffmanCode dc, HuffmanCode ac)
    {
        int diff = coef[0] - pred;
        pred = coef[0];
        int size = Magnitude(diff);
        bits.Write(dc.Code[size], dc.Length[size]);
        if (size > 0) bits.Write(Amplitude(diff, size), size);
        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int v = coef[JpegTables.ZigZag[k]];
            if (v == 0)
            {
                run++;
                continue;
            }
            while (run > 15)
            {
                bits.Write(ac.Code[0xF0], ac.Length[0xF0]);
                run -= 16;
            }
            int s = Magnitude(v);
            int symbol = run << 4 | s;
            bits.Write(ac.Code[symbol], ac.Length[symbol]);
            bits.Write(Amplitude(v, s), s);
            run = 0;
        }
        if (run > 0) bits.Write(ac.Code[0], ac.Length[0]);
    }

    /// <summary>Bits needed for |v| (the JPEG "category").</summary>
    private static int Magnitude(int v)
    {
        v = Math.Abs(v);
        int n = 0;
        while (v > 0) { n++; v >>= 1; }
        return n;
    }

    /// <summary>The low <paramref name="size"/> bits of v, ones' complement for negatives.</summary>
    private static int Amplitude(int v, int size) => (v < 0 ? v - 1 : v) & ((1 << size) - 1);

    private static void Marker(Stream o, byte m)
    {
        o.WriteByte(0xFF);
        o.WriteByte(m);
    }

    private static void Segment(Stream o, byte m, ReadOnlySpan<byte> body)
    {
        Marker(o, m);
        int len = body.Length + 2;
        o.WriteByte((byte)(len >> 8));
        o.WriteByte((byte)len);
        o.Write(body);
    }

    private static void Dht(Stream o, byte classAndId, ReadOnlySpan<byte> bits, ReadOnlySpan<byte> values)
    {
        var body = new byte[1 + 16 + values.Length];
        body[0] = classAndId;
        bits.CopyTo(body.AsSpan(1));
        values.CopyTo(body.AsSpan(17));
        Segment(o, 0xC4, body);
    }

    /// <summary>Entropy-coded bits, MSB first, with a 0 stuffed after every 0xFF byte; padded with ones.</summary>
    private sealed class BitWriter(Stream o)
    {
        private uint _acc;
        private int _n;

        public void Write(int value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                _acc = _acc << 1 | (uint)((value >> i) & 1);
                if (++_n == 8) Emit();
            }
        }

        public void Flush()
        {
            while (_n != 0) Write(1, 1);
        }

        private void Emit()
        {
            byte b = (byte)_acc;
            o.WriteByte(b);
            if (b == 0xFF) o.WriteByte(0);
            _acc = 0;
            _n = 0;
        }
    }
}

/// <summary>Canonical Huffman codes from a DHT's counts per length and symbols (T.81 Annex C).</summary>
internal sealed class HuffmanCode
{
    public readonly int[] Code = new int[256];
    public readonly int[] Length = new int[256];

    public static HuffmanCode Build(ReadOnlySpan<byte> bits, ReadOnlySpan<byte> values)
    {
        var h = new HuffmanCode();
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            for (int i = 0; i < bits[len - 1]; i++, k++)
            {
                h.Code[values[k]] = code++;
                h.Length[values[k]] = len;
            }
            code <<= 1;
        }
        return h;
    }
}
