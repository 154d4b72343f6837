using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>
/// The samples an attack is still working on. Per-sample device state lives in tensors of full capacity whose first
/// <see cref="Count"/> rows (slots) are the active samples; <see cref="Retain"/> drops finished samples by moving
/// the rows that stay down (device-side copies, in order, so each move goes to a lower slot), which shrinks the
/// batch every later forward and backward pass runs on. Host arrays indexed by batch row need no compaction:
/// <see cref="Rows"/> maps a slot to its batch row.
/// </summary>
internal sealed class ActiveSet : IDisposable
{
    private readonly List<Tensor> _tracked = new();
    private readonly Backend _b;
    private readonly Device _device;
    private int[] _rows;

    public ActiveSet(Device device, int[] rows)
    {
        _device = device;
        _b = device.Backend;
        _rows = rows.ToArray();
        Count = rows.Length;
    }

    public int Count { get; private set; }

    /// <summary>Batch row of each active slot.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, Count);

    public int Row(int slot) => _rows[slot];

    /// <summary>A tracked tensor [capacity, ...] whose slot s holds row Rows[s] of <paramref name="src"/> [n, ...].</summary>
    public Tensor Gather(Tensor src)
    {
        var t = Empty(src.Shape[1..]);
        long size = RowSize(src);
        for (int s = 0; s < Count; s++) _b.Copy(src.Buffer, _rows[s] * size, t.Buffer, s * size, size);
        return t;
    }

    /// <summary>A tracked, uninitialised tensor [capacity, ...rowShape].</summary>
    public Tensor Empty(params int[] rowShape)
    {
        var t = Tensor.Empty([_rows.Length, .. rowShape], _device).KeepAlive();
        _tracked.Add(t);
        return t;
    }

    /// <summary>A tracked tensor of zeros [capacity, ...rowShape].</summary>
    public Tensor Zeros(params int[] rowShape)
    {
        var t = Empty(rowShape);
        _b.Fill(t.Buffer, 0, t.Count, 0f);
        return t;
    }

    /// <summary>The active rows of a tracked tensor as [Count, ...] (a view in the current scope).</summary>
    public Tensor View(Tensor tracked) => tracked.View([Count, .. tracked.Shape[1..]]);

    /// <summary>Copies slot <paramref name="slot"/> of <paramref name="src"/> into row Rows[slot] of <paramref name="dst"/> [n, ...].</summary>
    public void Scatter(Tensor src, int slot, Tensor dst)
    {
        long size = RowSize(dst);
        _b.Copy(src.Buffer, slot * size, dst.Buffer, _rows[slot] * size, size);
    }

    /// <summary>Copies slot <paramref name="fromSlot"/> of <paramref name="src"/> into slot <paramref name="toSlot"/> of <paramref name="dst"/>.</summary>
    public void CopySlot(Tensor src, int fromSlot, Tensor dst, int toSlot)
    {
        long size = RowSize(dst);
        _b.Copy(src.Buffer, fromSlot * size, dst.Buffer, toSlot * size, size);
    }

    /// <summary>Keeps the slots where <paramref name="keep"/> is true (in order) and drops the others.</summary>
    public void Retain(ReadOnlySpan<bool> keep)
    {
        int next = 0;
        for (int s = 0; s < Count; s++)
        {
            if (!keep[s]) continue;
            if (next != s)
            {
                foreach (var t in _tracked)
                {
                    long size = RowSize(t);
                    _b.Copy(t.Buffer, s * size, t.Buffer, next * size, size);
                }
                _rows[next] = _rows[s];
            }
            next++;
        }
        Count = next;
    }

    private static long RowSize(Tensor t) => t.Count / t.Shape[0];

    public void Dispose()
    {
        foreach (var t in _tracked) t.Dispose();
        _tracked.Clear();
    }
}
