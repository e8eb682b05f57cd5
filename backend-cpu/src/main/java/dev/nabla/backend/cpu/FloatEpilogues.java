package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 epilogues fused into the GEMM tiles of the dense layers. Each is a reusable object
 * whose operands are set before the GEMM, so a training step allocates nothing.
 */
final class FloatEpilogues {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FloatEpilogues() {
    }

    /**
     * Forward: the tile of C holds X W^T; adds the bias and writes sigmoid of the sum to {@code a}.
     * When {@code a} is not C itself, C keeps the pre-activation z (the output layer's logits).
     */
    static final class BiasSigmoid implements FloatEpilogue {
        float[] bias;
        float[] a;
        /** For {@link #applyTransposed}: where z goes (null: not kept) and the row length of z and a. */
        float[] z;
        int ld;

        BiasSigmoid set(float[] bias, float[] a) {
            this.bias = bias;
            this.a = a;
            return this;
        }

        /** For Sgemm.denseForwardTransposed: z (or null) and a, both [rows, ld]. */
        BiasSigmoid setTransposed(float[] bias, float[] z, float[] a, int ld) {
            this.bias = bias;
            this.z = z;
            this.a = a;
            this.ld = ld;
            return this;
        }

        /** The array the pre-activation goes to in the normal orientation: z, else a. */
        float[] pre() {
            return z != null ? z : a;
        }

        /**
         * A finished tile of Z^T (rows = outputs from {@code row}, columns = batch rows from
         * {@code col}) in the scratch tile t: adds the bias of each output, takes the sigmoid with the
         * same operations as {@link #apply}, and stores z (when kept) and a transposed, a[col + j][row + r].
         */
        void applyTransposed(float[] t, int ldt, int row, int col, int rows, int cols, float[] zt, float[] at) {
            for (int r = 0; r < rows; r++) {
                FloatVector vb = FloatVector.broadcast(S, bias[row + r]);
                int o = r * ldt;
                for (int j = 0; j < ldt; j += L) {
                    FloatVector zv = FloatVector.fromArray(S, t, o + j).add(vb);
                    zv.intoArray(zt, o + j);
                    FloatKernels.sigmoid(zv).intoArray(at, o + j);
                }
            }
            for (int j = 0; j < cols; j++) {
                int dst = (col + j) * ld + row;
                for (int r = 0; r < rows; r++) {
                    a[dst + r] = at[r * ldt + j];
                }
                if (z != null) {
                    for (int r = 0; r < rows; r++) {
                        z[dst + r] = zt[r * ldt + j];
                    }
                }
            }
        }

        @Override
        public void apply(float[] c, int ldc, int row, int col, int rows, int cols) {
            boolean keepZ = a != c;
            for (int r = row; r < row + rows; r++) {
                int o = r * ldc;
                int j = col;
                for (; j <= col + cols - L; j += L) {
                    FloatVector z = FloatVector.fromArray(S, c, o + j).add(FloatVector.fromArray(S, bias, j));
                    if (keepZ) {
                        z.intoArray(c, o + j);
                    }
                    FloatKernels.sigmoid(z).intoArray(a, o + j);
                }
                for (; j < col + cols; j++) {
                    float z = c[o + j] + bias[j];
                    if (keepZ) {
                        c[o + j] = z;
                    }
                    a[o + j] = FloatKernels.sigmoid(z);
                }
            }
        }
    }

    /** Backward: the tile of C holds delta W; multiplies it by aPrev (1 - aPrev), the sigmoid derivative. */
    static final class SigmoidDerivative implements FloatEpilogue {
        float[] aPrev;

        SigmoidDerivative set(float[] aPrev) {
            this.aPrev = aPrev;
            return this;
        }

        @Override
        public void apply(float[] c, int ldc, int row, int col, int rows, int cols) {
            for (int r = row; r < row + rows; r++) {
                int o = r * ldc;
                FloatKernels.sigmoidBackward(c, aPrev, c, o + col, o + col + cols);
            }
        }
    }
}
