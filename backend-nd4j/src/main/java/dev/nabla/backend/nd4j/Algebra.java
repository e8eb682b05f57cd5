package dev.nabla.backend.nd4j;

/**
 * The linear-algebra and reduction steps of {@link Nd4jBackend}, in two implementations: CBLAS
 * straight on the tensors' host memory for nd4j-native ({@link HostBlasAlgebra}), ND4J's own op
 * calls where the memory lives on a GPU ({@link Nd4jOpsAlgebra}). The element-wise steps (sigmoid,
 * a (1 - a), products) are ND4J legacy transforms in both.
 */
interface Algebra extends AutoCloseable {
    /** c = alpha op(a) op(b) + beta c, every matrix row-major as stored. */
    void gemm(boolean transA, boolean transB, double alpha, Nd4jTensor a, Nd4jTensor b, double beta, Nd4jTensor c);

    /** out = x + row on every row (out may be x). */
    void addRowVector(Nd4jTensor x, Nd4jTensor row, Nd4jTensor out);

    /** out[j] = sum over rows of x[i, j]. */
    void columnSums(Nd4jTensor x, Nd4jTensor out);

    /** dst = src. */
    void copy(Nd4jTensor src, Nd4jTensor dst);

    /** y += alpha x. */
    void axpy(double alpha, Nd4jTensor x, Nd4jTensor y);

    /** x *= alpha. */
    void scale(double alpha, Nd4jTensor x);

    /** sum of x[i] y[i], accumulated in double. */
    double dot(Nd4jTensor x, Nd4jTensor y);

    /** sum of x[i]. */
    double sum(Nd4jTensor x);

    @Override
    void close();
}
