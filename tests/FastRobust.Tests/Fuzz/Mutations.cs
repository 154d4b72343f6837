using System.Text;
using System.Text.RegularExpressions;
using CsCheck;

namespace FastRobust.Tests.Fuzz;

/// <summary>
/// Inputs for the parser fuzzing: a valid file, then one to eight mutations — byte and bit flips, truncations,
/// deletions, insertions, copies, boundary integers written over a field, and for JSON a value swapped for a
/// hostile one (null, huge, negative, fractional, wrong type) or a key repeated. Built from CsCheck generators,
/// so a failing input shrinks towards fewer and smaller mutations.
/// </summary>
public static partial class Mutations
{
    public abstract record Mutation
    {
        public abstract byte[] Apply(byte[] b);
    }

    private static int At(int pos, int length) => length == 0 ? 0 : pos % length;

    public sealed record SetByte(int Pos, byte Value) : Mutation
    {
        public override byte[] Apply(byte[] b)
        {
            if (b.Length == 0) return b;
            var c = (byte[])b.Clone();
            c[At(Pos, c.Length)] = Value;
            return c;
        }
    }

    public sealed record FlipBit(int Pos, int Bit) : Mutation
    {
        public override byte[] Apply(byte[] b)
        {
            if (b.Length == 0) return b;
            var c = (byte[])b.Clone();
            c[At(Pos, c.Length)] ^= (byte)(1 << (Bit & 7));
            return c;
        }
    }

    public sealed record Truncate(int Pos) : Mutation
    {
        public override byte[] Apply(byte[] b) => b[..(Pos % (b.Length + 1))];
    }

    public sealed record Delete(int Pos, int Count) : Mutation
    {
        public override byte[] Apply(byte[] b)
        {
            int p = At(Pos, b.Length), n = Math.Min(Count, b.Length - p);
            return [.. b[..p], .. b[(p + n)..]];
        }
    }

    public sealed record Insert(int Pos, byte[] Bytes) : Mutation
    {
        public override byte[] Apply(byte[] b)
        {
            int p = At(Pos, b.Length + 1);
            return [.. b[..p], .. Bytes, .. b[p..]];
        }
    }

    /// <summary>Copies a chunk of the file elsewhere (repeats a header field, a record, a JSON member).</summary>
    public sealed record CopyChunk(int From, int Count, int To) : Mutation
    {
        public override byte[] Apply(byte[] b)
        {
            if (b.Length == 0) return b;
            int f = At(From, b.Length), n = Math.Min(Count, b.Length - f), t = At(To, b.Length + 1);
            return [.. b[..t], .. b[f..(f + n)], .. b[t..]];
        }
    }

    /// <summary>A boundary integer written over four or eight bytes (lengths, sizes, offsets, magic numbers).</summary>
    public sealed record Boundary(int Pos, int Which, bool Wide, bool BigEndian) : Mutation
    {
        private static readonly long[] Values = [0, 1, -1, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 40];

        public override byte[] Apply(byte[] b)
        {
            int width = Wide ? 8 : 4;
            if (b.Length < width) return b;
            var c = (byte[])b.Clone();
            int p = At(Pos, c.Length - width + 1);
            byte[] v = BitConverter.GetBytes(Values[Which % Values.Length]);
            if (BigEndian) Array.Reverse(v);
            Array.Copy(v, BigEndian ? 8 - width : 0, c, p, width);
            return c;
        }
    }

    /// <summary>The k-th JSON value (number, string or literal) replaced by a hostile one.</summary>
    public sealed record JsonValueSwap(int K, int Which) : Mutation
    {
        private static readonly string[] Values =
        [
            "null", "-1", "0", "1e309", "-1e309", "2147483648", "4294967296", "99999999999999999999999", "1.5", "-0", "\"\"", "\"x\"",
            "true", "[]", "{}", "[null]", "[null, null]", "[-1]", "[2147483647, 2147483647]", "[0, 1e19]", "NaN", "\"NaN\"", "\"..\"",
            "100000000", "[100000, 100000, 100000]",
        ];

        public override byte[] Apply(byte[] b)
        {
            string text = Encoding.UTF8.GetString(b);
            var ms = JsonScalar().Matches(text);
            if (ms.Count == 0) return b;
            var m = ms[K % ms.Count];
            return Encoding.UTF8.GetBytes(text[..m.Index] + Values[Which % Values.Length] + text[(m.Index + m.Length)..]);
        }
    }

    /// <summary>The k-th "key": repeated just before itself, with another value: a duplicate key.</summary>
    public sealed record JsonDuplicateKey(int K) : Mutation
    {
        public override byte[] Apply(byte[] b)
        {
            string text = Encoding.UTF8.GetString(b);
            var ms = JsonKey().Matches(text);
            if (ms.Count == 0) return b;
            var m = ms[K % ms.Count];
            return Encoding.UTF8.GetBytes(text[..m.Index] + m.Value + " 1, " + text[m.Index..]);
        }
    }

    [GeneratedRegex("""-?\d+(\.\d+)?([eE][+-]?\d+)?|"(?:[^"\\]|\\.)*"(?!\s*:)|\btrue\b|\bfalse\b|\bnull\b""")]
    private static partial Regex JsonScalar();

    [GeneratedRegex("""
        "(?:[^"\\]|\\.)*"\s*:
        """)]
    private static partial Regex JsonKey();

    private static readonly Gen<int> Pos = Gen.Int[0, int.MaxValue];

    public static readonly Gen<Mutation> One = Gen.Frequency(
        (4, Gen.Select(Pos, Gen.Byte, (p, v) => (Mutation)new SetByte(p, v))),
        (3, Gen.Select(Pos, Gen.Int[0, 7], (p, bit) => (Mutation)new FlipBit(p, bit))),
        (2, Pos.Select(p => (Mutation)new Truncate(p))),
        (2, Gen.Select(Pos, Gen.Int[1, 64], (p, n) => (Mutation)new Delete(p, n))),
        (2, Gen.Select(Pos, Gen.Byte.Array[1, 16], (p, bytes) => (Mutation)new Insert(p, bytes))),
        (1, Gen.Select(Pos, Gen.Int[1, 256], Pos, (f, n, t) => (Mutation)new CopyChunk(f, n, t))),
        (3, Gen.Select(Pos, Gen.Int[0, 100], Gen.Bool, Gen.Bool, (p, w, wide, be) => (Mutation)new Boundary(p, w, wide, be))),
        (4, Gen.Select(Pos, Gen.Int[0, 100], (k, w) => (Mutation)new JsonValueSwap(k, w))),
        (1, Pos.Select(k => (Mutation)new JsonDuplicateKey(k))));

    /// <summary>One of <paramref name="seeds"/>, mutated one to eight times.</summary>
    public static Gen<byte[]> Of(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], One.Array[1, 8], (i, ms) => ms.Aggregate(seeds[i], (b, m) => m.Apply(b)));
}
