namespace FastRobust.Tensors;

public enum UnaryOp { Neg, Relu, Gelu, Sign, Abs, Exp, Log, Sqrt, Square, Tanh, Sigmoid }

public enum BinaryOp { Add, Sub, Mul, Div, Max, Min }

/// <summary>Reductions of each row of a [rows, cols] matrix.</summary>
public enum RowReduce { Sum, Max, Min, SumAbs, SumSquares, MaxAbs, CountNonZero }

/// <summary>
/// The op interface every device implements: the CPU backend in plain C#, the GPU backend with ILGPU kernels.
/// Buffers are flat; shapes arrive as explicit sizes. Every op overwrites its output unless it says it
/// accumulates, and none of them waits for the device unless it returns data to the host.
/// </summary>
public abstract class Backend
{
    // ---- memory ----
    /// <summary>Uninitialised storage for n floats (from a pool where possible).</summary>
    public abstract FloatBuffer Alloc(long n);
    public abstract IntBuffer AllocInt(long n);
    public abstract void Upload(ReadOnlySpan<float> src, FloatBuffer dst, long dstOffset = 0);
    public abstract void Download(FloatBuffer src, long srcOffset, Span<float> dst);
    public abstract void UploadInt(ReadOnlySpan<int> src, IntBuffer dst);
    public abstract void DownloadInt(IntBuffer src, Span<int> dst);
    public abstract void Copy(FloatBuffer src, long srcOffset, FloatBuffer dst, long dstOffset, long n);
    public abstract void Fill(FloatBuffer dst, long offset, long n, float value);
    /// <summary>Waits until all queued work is done (no-op on the CPU).</summary>
    public abstract void Synchronize();

    /// <summary>
    /// Host threads that work done on the host for this backend may use (corruptions without a kernel run on the
    /// host): FASTROBUST_THREADS, else the processor count.
    /// </summary>
    public virtual int HostThreads => Util.HostThreads.Count;

    // ---- elementwise over n contiguous elements ----
    public abstract void Unary(UnaryOp op, FloatBuffer x, FloatBuffer y, long n);
    public abstract void Binary(BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer y, long n);
    /// <summary>y = a·x + b.</summary>
    public abstract void Affine(FloatBuffer x, FloatBuffer y, long n, float a, float b);
    /// <summary>y = a·x + b·y (in place on y).</summary>
    public abstract void Axpby(FloatBuffer x, FloatBuffer y, long n, float a, float b);
    public abstract void Clamp(FloatBuffer x, FloatBuffer y, long n, float lo, float hi);
    /// <summary>y[r, j] = a[r, j] op b[r] for a [rows, cols].</summary>
    public abstract void BinaryRow(BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer y, int rows, long cols);
    /// <summary>y[o, c, i] = x[o, c, i]·scale[c] + shift[c] over [outer, C, inner].</summary>
    public abstract void ChannelAffine(FloatBuffer x, FloatBuffer scale, FloatBuffer shift, FloatBuffer y, int outer, int channels, int inner);
    /// <summary>Backward of elementwise max (or min): the gradient goes to a where a wins (ties to a), else to b.</summary>
    public abstract void MaxMinBackward(bool max, FloatBuffer a, FloatBuffer b, FloatBuffer dy, FloatBuffer da, FloatBuffer db, long n);
    /// <summary>dx = dy where lo ≤ x ≤ hi, else 0.</summary>
    public abstract void ClampBackward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, long n, float lo, float hi);
    /// <summary>y[e, n, c, i] += bias[e, c] over [E, N, C, inner].</summary>
    public abstract void AddBias(FloatBuffer y, FloatBuffer bias, int e, int n, int channels, int inner);
    /// <summary>dx = dy·f'(x) for relu, gelu, tanh, sigmoid, abs, sign (zero).</summary>
    public abstract void UnaryBackward(UnaryOp op, FloatBuffer x, FloatBuffer dy, FloatBuffer dx, long n);

    // ---- reductions ----
    /// <summary>y[r] = reduce(x[r, :]).</summary>
    public abstract void ReduceRows(RowReduce op, FloatBuffer x, FloatBuffer y, int rows, long cols);
    /// <summary>y[o, i] = Σ_m x[o, m, i] over [outer, mid, inner]; accumulate adds into y.</summary>
    public abstract void SumMiddle(FloatBuffer x, FloatBuffer y, int outer, int mid, int inner, bool accumulate);
    /// <summary>idx[r] = argmax of x[r, :] (first on ties).</summary>
    public abstract void ArgMaxRows(FloatBuffer x, IntBuffer idx, int rows, int cols);

    // ---- linear algebra ----
    /// <summary>
    /// Strided batched GEMM, row-major: C_b = alpha·op(A_b)·op(B_b) + beta·C_b for b in [0, batch), with
    /// op(A) [M, K], op(B) [K, N]. A stride of 0 broadcasts that operand across the batch.
    /// </summary>
    public abstract void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        FloatBuffer a, long offA, int lda, long strideA,
        FloatBuffer b, long offB, int ldb, long strideB,
        float beta, FloatBuffer c, long offC, int ldc, long strideC, int batch);

    // ---- convolution ----
    /// <summary>y [E, N, O, OH, OW] = conv(x, w [E, O, C, KH, KW]) + bias [E, O].</summary>
    public abstract void Conv2dForward(in ConvGeometry g, FloatBuffer x, FloatBuffer w, FloatBuffer? bias, FloatBuffer y);

    /// <summary>
    /// relu(conv2d(x) + bias) into y. The default is the two passes; a backend that can apply the ReLU in the
    /// convolution's store (the ILGPU kernels) saves a read and a write of y.
    /// </summary>
    public virtual void Conv2dForwardRelu(in ConvGeometry g, FloatBuffer x, FloatBuffer w, FloatBuffer? bias, FloatBuffer y)
    {
        Conv2dForward(g, x, w, bias, y);
        Unary(UnaryOp.Relu, y, y, g.E * g.N * g.OutputImage);
    }

    /// <summary>dx = ∂/∂x; with a broadcast input dx [N, C, H, W] sums over the members.</summary>
    public abstract void Conv2dBackwardData(in ConvGeometry g, FloatBuffer dy, FloatBuffer w, FloatBuffer dx);
    /// <summary>dw [E, O, C, KH, KW] and (optionally) dbias [E, O].</summary>
    public abstract void Conv2dBackwardWeight(in ConvGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer dw, FloatBuffer? dbias);

    // ---- pooling ----
    public abstract void MaxPool2dForward(in PoolGeometry g, FloatBuffer x, FloatBuffer y, IntBuffer argmax);
    public abstract void MaxPool2dBackward(in PoolGeometry g, FloatBuffer dy, IntBuffer argmax, FloatBuffer dx);
    /// <summary>Average over the window, padding counted as zeros in the divisor (PyTorch's default).</summary>
    public abstract void AvgPool2dForward(in PoolGeometry g, FloatBuffer x, FloatBuffer y);
    public abstract void AvgPool2dBackward(in PoolGeometry g, FloatBuffer dy, FloatBuffer dx);

    // ---- batch norm ----
    /// <summary>
    /// Training mode: normalises with the batch statistics, saves mean and 1/σ per (member, channel) and
    /// updates the running statistics (unbiased variance, PyTorch's rule).
    /// </summary>
    public abstract void BatchNormTrainForward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
        FloatBuffer y, FloatBuffer saveMean, FloatBuffer saveInvStd, FloatBuffer runMean, FloatBuffer runVar, float momentum, float eps);
    public abstract void BatchNormEvalForward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
        FloatBuffer runMean, FloatBuffer runVar, float eps, FloatBuffer y);
    /// <summary>Backward of the eval-mode forward (fixed statistics); any output may be null.</summary>
    public abstract void BatchNormEvalBackward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer gamma,
        FloatBuffer runMean, FloatBuffer runVar, float eps, FloatBuffer? dx, FloatBuffer? dgamma, FloatBuffer? dbeta);
    /// <summary>Backward of the training-mode forward; dgamma/dbeta may be null when not needed.</summary>
    public abstract void BatchNormBackward(in BatchNormGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer gamma,
        FloatBuffer saveMean, FloatBuffer saveInvStd, FloatBuffer? dx, FloatBuffer? dgamma, FloatBuffer? dbeta);

    // ---- randomness (Philox-4x32-10; element i uses counter offset + i / 4, lane i % 4) ----
    public abstract void FillUniform(FloatBuffer y, long n, ulong seed, ulong stream, ulong offset, float lo, float hi);
    public abstract void FillNormal(FloatBuffer y, long n, ulong seed, ulong stream, ulong offset, float mean, float std);
    /// <summary>mask = (u ≥ p) / (1 − p), y = x·mask.</summary>
    public abstract void DropoutForward(FloatBuffer x, FloatBuffer y, FloatBuffer mask, long n, float p, ulong seed, ulong stream, ulong offset);

    // ---- losses ----
    /// <summary>
    /// Softmax cross-entropy for logits [R, K] with R = E·N rows; row r has label labels[r % N]. Writes the
    /// per-row loss and the softmax probabilities (kept for the backward). smoothing follows PyTorch.
    /// </summary>
    public abstract void SoftmaxCrossEntropyForward(FloatBuffer logits, IntBuffer labels, FloatBuffer losses, FloatBuffer probs,
        int rows, int classes, int n, float smoothing);
    /// <summary>dlogits[r, k] = dloss[r]·(p[r, k] − target[r, k]).</summary>
    public abstract void SoftmaxCrossEntropyBackward(FloatBuffer probs, IntBuffer labels, FloatBuffer dlosses, FloatBuffer dlogits,
        int rows, int classes, int n, float smoothing);
    public abstract void Softmax(FloatBuffer x, FloatBuffer y, int rows, int classes);
    /// <summary>counts[r / n] += 1 where argmax(logits[r, :]) == labels[r % n] (per-member correct counts, no host sync).</summary>
    public abstract void CountCorrect(FloatBuffer logits, IntBuffer labels, FloatBuffer counts, int rows, int classes, int n);

    // ---- optimizer updates (PyTorch's formulas; see Nn/Optimizers) ----
    // Each updates elements [offset, offset + n) of the parameter, its gradient and its state alike: one member of an
    // ensemble's parameter tensor, so that members train with their own optimizer settings.
    public abstract void SgdStep(FloatBuffer p, FloatBuffer g, FloatBuffer? momentumBuf, long offset, long n, float lr, float momentum,
        float dampening, float weightDecay, bool nesterov, bool firstStep);
    public abstract void AdamStep(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, long offset, long n, float lr, float beta1,
        float beta2, float eps, float weightDecay, bool decoupled, int step);
    public abstract void RmspropStep(FloatBuffer p, FloatBuffer g, FloatBuffer sq, FloatBuffer? momentumBuf, long offset, long n, float lr,
        float alpha, float eps, float weightDecay, float momentum);

    // ---- data augmentation ----
    /// <summary>
    /// Random crop with zero padding and random horizontal flip of images [N, C, H, W]; per image the
    /// shifts and flip come from Philox(seed, stream, offset + image).
    /// </summary>
    public abstract void RandomCropFlip(FloatBuffer x, FloatBuffer y, int n, int c, int h, int w, int pad, bool flip,
        ulong seed, ulong stream, ulong offset);
}
