using System.Globalization;
using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// The header of a .npy file (NumPy's format, versions 1–3): the dict literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>. Parsed with a small reader of Python
/// literals rather than a regex so that key order, quoting and spacing written by any NumPy version are accepted.
/// </summary>
public sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape, long DataOffset)
{
    /// <summary>Elements in the array (long.MaxValue when the product overflows, which no real file reaches).</summary>
    public long Count => Shape.Aggregate(1L, (a, d) => d != 0 && a > long.MaxValue / d ? long.MaxValue : a * d);

    /// <summary>Bytes per element of the descr's type ('&lt;f4' → 4); 0 for a descr we cannot size.</summary>
    public int ItemSize => Descr.Length >= 3 && int.TryParse(Descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 0;

    public long DataBytes => ItemSize != 0 && Count > long.MaxValue / ItemSize ? long.MaxValue : Count * ItemSize;

    /// <summary>Parses the dict literal; <paramref name="source"/> names the file in errors.</summary>
    public static NpyHeader Parse(string text, long dataOffset, string source)
    {
        var p = new LiteralReader(text, source);
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        p.Expect('{');
        while (!p.TryTake('}'))
        {
            string key = p.ReadString();
            p.Expect(':');
            switch (key)
            {
                case "descr":
                    if (p.Peek() != '\'' && p.Peek() != '"')
                        throw new InputException($"{source}: unsupported dtype (structured arrays are not supported; save a plain numeric array)");
                    descr = p.ReadString();
                    break;
                case "fortran_order": fortran = p.ReadBool(); break;
                case "shape": shape = p.ReadIntTuple(); break;
                default: throw new InputException($"{source}: malformed .npy header: unexpected key '{key}'");
            }
            if (!p.TryTake(',')) { p.Expect('}'); break; }
        }
        p.ExpectEnd();
        if (descr == null || fortran == null || shape == null)
            throw new InputException($"{source}: malformed .npy header: it needs 'descr', 'fortran_order' and 'shape'");
        return new NpyHeader(descr, fortran.Value, shape, dataOffset);
    }

    /// <summary>The dict literal as NumPy writes it (keys sorted, trailing ", ").</summary>
    public string Format()
    {
        string dims = Shape.Length == 1 ? $"{Shape[0]}," : string.Join(", ", Shape);
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': ({dims}), }}";
    }

    /// <summary>A reader of the few Python literals a .npy header uses: strings, True/False, tuples of ints.</summary>
    private sealed class LiteralReader(string text, string source)
    {
        private int _pos;

        private InputException Error(string what) =>
            new($"{source}: malformed .npy header: {what} at character {_pos} of \"{text.TrimEnd()}\"");

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        public char Peek()
        {
            SkipSpace();
            return _pos < text.Length ? text[_pos] : '\0';
        }

        public bool TryTake(char c)
        {
            if (Peek() != c) return false;
            _pos++;
            return true;
        }

        public void Expect(char c)
        {
            if (!TryTake(c)) throw Error($"expected '{c}'");
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length) throw Error("unexpected text after the header dict");
        }

        public string ReadString()
        {
            char q = Peek();
            if (q != '\'' && q != '"') throw Error("expected a quoted string");
            int start = ++_pos;
            while (_pos < text.Length && text[_pos] != q) _pos++;
            if (_pos == text.Length) throw Error("unterminated string");
            return text[start.._pos++];
        }

        public bool ReadBool()
        {
            SkipSpace();
            if (text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Error("expected True or False");
        }

        public int[] ReadIntTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (!TryTake(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                if (_pos == start) throw Error("expected a dimension");
                if (!int.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                    throw new InputException($"{source}: dimension {text[start.._pos]} is too large");
                dims.Add(d);
                // Python 2 era files write longs as 3L
                if (_pos < text.Length && text[_pos] == 'L') _pos++;
                if (!TryTake(',')) { Expect(')'); break; }
            }
            return dims.ToArray();
        }
    }

    /// <summary>The six bytes every .npy file starts with: 0x93 then "NUMPY".</summary>
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
}
