package dev.nabla.backend.cpu;

/**
 * Work fused into a GEMM: applied to each finished tile of C (rows row .. row+rows, columns
 * col .. col+cols) right after its last K block, while the tile is still in L1.
 */
interface FloatEpilogue {
    void apply(float[] c, int ldc, int row, int col, int rows, int cols);
}
