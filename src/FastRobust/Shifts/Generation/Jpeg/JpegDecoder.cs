using FastRobust.Util;

namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// A baseline JPEG decoder: sequential Huffman-coded DCT (SOF0/SOF1, 8-bit), 1 or 3 components in one interleaved
/// scan, any 1–2 sampling factors, restart intervals; islow IDCT, libjpeg's fancy upsampling and fixed-point YCbCr
/// to RGB, so a file decodes to the pixels libjpeg-turbo (and Pillow) give. Progressive and arithmetic-coded files,
/// 12-bit samples and CMYK are refused with a clear error.
/// </summary>
public static class JpegDecoder
{
    /// <summary>Decodes a file to interleaved 8-bit pixels (1 or 3 channels).</summary>
    public static (byte[] Pixels, int Width, int Height, int Channels) Decode(ReadOnlySpan<byte> file, string source = "JPEG data")
    {
        var frame = Read(file, source);
        return (Synthesize(frame), frame.Width, frame.Height, frame.Components.Length);
    }

    /// <summary>The lossless stage: markers and Huffman-coded coefficients into a frame.</summary>
    public static JpegFrame Read(ReadOnlySpan<byte> data, string source = "JPEG data")
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) throw Bad(source, "not a JPEG file (no SOI marker)");
        var quant = new ushort[]?[4];
        var dcTables = new HuffmanDecoder?[4];
        var acTables = new HuffmanDecoder?[4];
        JpegFrame? frame = null;
        int restart = 0, pos = 2;
        while (true)
        {
            if (pos + 4 > data.Length) throw Bad(source, "truncated before the image data");
            if (data[pos] != 0xFF) throw Bad(source, $"expected a marker at byte {pos}");
            byte m = data[pos + 1];
            if (m == 0xFF) { pos++; continue; }
            int len = data[pos + 2] << 8 | data[pos + 3];
            if (len < 2 || pos + 2 + len > data.Length) throw Bad(source, $"marker 0x{m:X2} at byte {pos} has a bad length");
            var body = data.Slice(pos + 4, len - 2);
            pos += 2 + len;
            switch (m)
            {
                case 0xDB:
                    for (int i = 0; i < body.Length;)
                    {
                        int pq = body[i] >> 4, tq = body[i] & 15;
                        if (tq > 3) throw Bad(source, "quantisation table id above 3");
                        var q = new ushort[64];
                        i++;
                        for (int k = 0; k < 64; k++, i += pq == 0 ? 1 : 2)
                        {
                            if (i + (pq == 0 ? 0 : 1) >= body.Length) throw Bad(source, "truncated quantisation table");
                            q[JpegTables.ZigZag[k]] = pq == 0 ? body[i] : (ushort)(body[i] << 8 | body[i + 1]);
                        }
                        quant[tq] = q;
                    }
                    break;
                case 0xC4:
                    for (int i = 0; i < body.Length;)
                    {
                        int tc = body[i] >> 4, th = body[i] & 15;
                        if (th > 3 || tc > 1 || i + 17 > body.Length) throw Bad(source, "bad Huffman table header");
                        var bits = body.Slice(i + 1, 16);
                        int count = 0;
                        foreach (byte b in bits) count += b;
                        if (i + 17 + count > body.Length) throw Bad(source, "truncated Huffman table");
                        var table = new HuffmanDecoder(bits, body.Slice(i + 17, count));
                        if (tc == 0) dcTables[th] = table; else acTables[th] = table;
                        i += 17 + count;
                    }
                    break;
                case 0xC0:
                case 0xC1:
                    frame = ReadFrame(body, source);
                    break;
                case 0xC2: case 0xC3: case 0xC5: case 0xC6: case 0xC7: case 0xC9: case 0xCA: case 0xCB: case 0xCD: case 0xCE: case 0xCF:
                    throw Bad(source, $"SOF{m - 0xC0} (progressive, lossless or arithmetic-coded) is not baseline JPEG");
                case 0xDD:
                    if (body.Length < 2) throw Bad(source, "bad DRI segment");
                    restart = body[0] << 8 | body[1];
                    break;
                case 0xDA:
                {
                    if (frame == null) throw Bad(source, "scan before the frame header");
                    int ns = body[0];
                    if (ns != frame.Components.Length) throw Bad(source, "only single-scan files with every component interleaved are supported");
                    var dc = new HuffmanDecoder[ns];
                    var ac = new HuffmanDecoder[ns];
                    for (int i = 0; i < ns; i++)
                    {
                        int id = body[1 + 2 * i], tables = body[2 + 2 * i];
                        if (frame.Components[i].Id != id) throw Bad(source, "scan components are not in frame order");
                        dc[i] = dcTables[tables >> 4] ?? throw Bad(source, $"DC Huffman table {tables >> 4} is missing");
                        ac[i] = acTables[tables & 15] ?? throw Bad(source, $"AC Huffman table {tables & 15} is missing");
                    }
                    for (int t = 0; t < 4; t++) frame.QuantTables[t] = quant[t];
                    foreach (var c in frame.Components)
                        if (quant[c.Table] == null) throw Bad(source, $"quantisation table {c.Table} is missing");
                    DecodeScan(data, pos, frame, dc, ac, restart, source);
                    return frame;
                }
                case 0xD9:
                    throw Bad(source, "no image data before EOI");
            }
        }
    }

    private static JpegFrame ReadFrame(ReadOnlySpan<byte> body, string source)
    {
        if (body.Length < 6 || body[0] != 8) throw Bad(source, "only 8-bit samples are supported");
        int height = body[1] << 8 | body[2], width = body[3] << 8 | body[4], n = body[5];
        if (width == 0 || height == 0) throw Bad(source, "zero image size");
        if (n is not (1 or 3) || body.Length < 6 + 3 * n) throw Bad(source, $"{n} components (only grey and YCbCr are supported)");
        var raw = new JpegComponent[n];
        for (int i = 0; i < n; i++)
        {
            int h = body[7 + 3 * i] >> 4, v = body[7 + 3 * i] & 15;
            if (h is < 1 or > 2 || v is < 1 or > 2) throw Bad(source, $"sampling factors {h}×{v} (only 1 and 2 are supported)");
            raw[i] = new JpegComponent { Id = body[6 + 3 * i], H = h, V = v, Table = body[8 + 3 * i] & 3 };
        }
        var probe = new JpegFrame { Width = width, Height = height, Components = raw, QuantTables = new ushort[]?[4] };
        // a single-component scan is not interleaved: its MCU is one block whatever its factors say
        if (n == 1) raw[0] = new JpegComponent { Id = raw[0].Id, H = 1, V = 1, Table = raw[0].Table };
        probe = new JpegFrame { Width = width, Height = height, Components = raw, QuantTables = new ushort[]?[4] };
        var comps = raw.Select(c => new JpegComponent
        {
            Id = c.Id, H = c.H, V = c.V, Table = c.Table, BlocksX = probe.McusX * c.H, BlocksY = probe.McusY * c.V,
            Coefficients = new short[probe.McusX * c.H * probe.McusY * c.V * 64],
        }).ToArray();
        return new JpegFrame { Width = width, Height = height, Components = comps, QuantTables = new ushort[]?[4] };
    }

    private static void DecodeScan(ReadOnlySpan<byte> data, int pos, JpegFrame frame, HuffmanDecoder[] dc, HuffmanDecoder[] ac, int restart, string source)
    {
        var reader = new BitReader(data, pos);
        var pred = new int[frame.Components.Length];
        int mcus = frame.McusX * frame.McusY;
        for (int mcu = 0; mcu < mcus; mcu++)
        {
            if (restart > 0 && mcu > 0 && mcu % restart == 0)
            {
                reader.Restart();
                Array.Clear(pred);
            }
            int mx = mcu % frame.McusX, my = mcu / frame.McusX;
            for (int ci = 0; ci < frame.Components.Length; ci++)
            {
                var c = frame.Components[ci];
                for (int v = 0; v < c.V; v++)
                for (int h = 0; h < c.H; h++)
                {
                    int b = (my * c.V + v) * c.BlocksX + mx * c.H + h;
                    var coef = c.Coefficients.AsSpan(b * 64, 64);
                    int s = dc[ci].Decode(ref reader, source);
                    int diff = s == 0 ? 0 : Extend(reader.Bits(s, source), s);
                    pred[ci] += diff;
                    coef[0] = (short)pred[ci];
                    for (int k = 1; k < 64;)
                    {
                        int rs = ac[ci].Decode(ref reader, source);
                        int r = rs >> 4, size = rs & 15;
                        if (size == 0)
                        {
                            if (r != 15) break;
                            k += 16;
                            continue;
                        }
                        k += r;
                        if (k > 63) throw Bad(source, "coefficient index past 63 (corrupt data)");
                        coef[JpegTables.ZigZag[k]] = (short)Extend(reader.Bits(size, source), size);
                        k++;
                    }
                }
            }
        }
    }

    private static int Extend(int v, int size) => v < 1 << (size - 1) ? v - (1 << size) + 1 : v;

    /// <summary>The lossy stage inverted: IDCT, upsampling and colour conversion into interleaved pixels.</summary>
    public static byte[] Synthesize(JpegFrame frame)
    {
        int w = frame.Width, h = frame.Height, n = frame.Components.Length, maxH = frame.MaxH, maxV = frame.MaxV;
        var full = new byte[n][];
        int fullW = frame.McusX * maxH * 8;
        for (int ci = 0; ci < n; ci++)
        {
            var c = frame.Components[ci];
            var q = frame.QuantTables[c.Table] ?? throw new ArgumentException($"quantisation table {c.Table} is missing");
            int pw = c.BlocksX * 8;
            var plane = new byte[pw * c.BlocksY * 8];
            for (int b = 0; b < c.BlocksX * c.BlocksY; b++)
            {
                int ox = b % c.BlocksX * 8, oy = b / c.BlocksX * 8;
                JpegDct.Inverse(c.Coefficients.AsSpan(b * 64, 64), q, plane.AsSpan(oy * pw + ox), pw);
            }
            int fx = maxH / c.H, fy = maxV / c.V;
            if (fx == 1 && fy == 1)
            {
                full[ci] = plane;
                continue;
            }
            // the real sample counts of this component, which the upsamplers' edge cases use
            int cw = (w * c.H + maxH - 1) / maxH, chh = (h * c.V + maxV - 1) / maxV;
            var up = new byte[fullW * frame.McusY * maxV * 8];
            if (fx == 2 && fy == 2)
            {
                var tmp = new byte[4 * cw * chh];
                JpegColor.UpsampleH2V2(plane, cw, chh, pw, tmp);
                Copy(tmp, 2 * cw, 2 * chh, up, fullW);
            }
            else if (fx == 2 && fy == 1)
            {
                var tmp = new byte[2 * cw * chh];
                JpegColor.UpsampleH2V1(plane, cw, chh, pw, tmp);
                Copy(tmp, 2 * cw, chh, up, fullW);
            }
            else
            {
                // 1×2: replicate rows (libjpeg's h1v2 is fancy too, but no common encoder writes it)
                for (int y = 0; y < chh * fy; y++)
                    for (int x = 0; x < cw * fx; x++) up[y * fullW + x] = plane[y / fy * pw + x / fx];
            }
            full[ci] = up;
        }
        var pixels = new byte[w * h * n];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int s = y * fullW + x, d = (y * w + x) * n;
                if (n == 1) pixels[d] = full[0][s];
                else
                {
                    JpegColor.YccToRgb(full[0][s], full[1][s], full[2][s], out byte r, out byte g, out byte b);
                    pixels[d] = r;
                    pixels[d + 1] = g;
                    pixels[d + 2] = b;
                }
            }
        return pixels;
    }

    private static void Copy(byte[] src, int sw, int sh, byte[] dst, int dw)
    {
        for (int y = 0; y < sh; y++) src.AsSpan(y * sw, sw).CopyTo(dst.AsSpan(y * dw));
    }

    private static InputException Bad(string source, string what) => new($"{source}: {what}");

    /// <summary>Reads entropy-coded bits MSB first, dropping stuffed zeros; past a marker it feeds zeros as libjpeg does.</summary>
    internal ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _pos;
        private uint _acc;
        private int _n;
        private bool _marker;

        public BitReader(ReadOnlySpan<byte> data, int pos)
        {
            _data = data;
            _pos = pos;
        }

        public int Bit()
        {
            if (_n == 0) Fill();
            _n--;
            return (int)(_acc >> _n) & 1;
        }

        public int Bits(int count, string source)
        {
            int v = 0;
            for (int i = 0; i < count; i++) v = v << 1 | Bit();
            return v;
        }

        private void Fill()
        {
            byte b = 0;
            if (!_marker && _pos < _data.Length)
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    byte next = _pos + 1 < _data.Length ? _data[_pos + 1] : (byte)0xD9;
                    if (next == 0) _pos += 2;
                    else
                    {
                        _marker = true;
                        b = 0;
                    }
                }
                else _pos++;
            }
            _acc = b;
            _n = 8;
        }

        /// <summary>Skips to after the next RSTn marker and drops the partial byte.</summary>
        public void Restart()
        {
            _n = 0;
            _marker = false;
            while (_pos + 1 < _data.Length && !(_data[_pos] == 0xFF && _data[_pos + 1] is >= 0xD0 and <= 0xD7)) _pos++;
            if (_pos + 1 < _data.Length) _pos += 2;
        }
    }

    /// <summary>Canonical decoding by code length (T.81 F.2.2.3: MAXCODE, VALPTR, MINCODE).</summary>
    internal sealed class HuffmanDecoder
    {
        private readonly int[] _maxCode = new int[18], _valPtr = new int[17], _minCode = new int[17];
        private readonly byte[] _values;

        public HuffmanDecoder(ReadOnlySpan<byte> bits, ReadOnlySpan<byte> values)
        {
            _values = values.ToArray();
            int code = 0, k = 0;
            for (int len = 1; len <= 16; len++)
            {
                int count = bits[len - 1];
                if (count == 0) _maxCode[len] = -1;
                else
                {
                    _valPtr[len] = k;
                    _minCode[len] = code;
                    code += count;
                    k += count;
                    _maxCode[len] = code - 1;
                }
                code <<= 1;
            }
            _maxCode[17] = int.MaxValue;
        }

        public int Decode(ref BitReader reader, string source)
        {
            int code = reader.Bit();
            for (int len = 1; len <= 16; len++)
            {
                if (code <= _maxCode[len] && _maxCode[len] >= 0) return _values[_valPtr[len] + code - _minCode[len]];
                code = code << 1 | reader.Bit();
            }
            throw Bad(source, "invalid Huffman code (corrupt data)");
        }
    }
}
