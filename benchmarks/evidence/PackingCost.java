import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Evidence for benchmarks/RESULTS.md (Notes): what packing a large B operand into NR-column panels
 * costs per element, transposed (B^T, the forward product X W^T) against not transposed (delta W),
 * with the loops of the cpu backend's Sgemm.packB, on the 4096 x 4096 weight matrix of the `wide`
 * network. Single-file program:
 *
 *   java --add-modules jdk.incubator.vector benchmarks/evidence/PackingCost.java
 */
public class PackingCost {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int NR = 2 * L;

    /** op(B) = B^T: eight rows of B read side by side, as Sgemm.packB does. */
    static void transposedRows(float[] b, int ldb, int pc, int kc, int jr, float[] bp, int base) {
        for (int j = 0; j < NR; j += 8) {
            int src = (jr + j) * ldb + pc;
            int dst = base + j;
            for (int kk = 0; kk < kc; kk++) {
                int o = dst + kk * NR;
                int i = src + kk;
                for (int r = 0; r < 8; r++) {
                    bp[o + r] = b[i + r * ldb];
                }
            }
        }
    }

    /** op(B) = B^T with one gather per NR/2 columns. */
    static void transposedGather(float[] b, int ldb, int pc, int kc, int jr, float[] bp, int base, int[] rows) {
        int src = jr * ldb + pc;
        for (int kk = 0; kk < kc; kk++) {
            int o = base + kk * NR;
            FloatVector.fromArray(S, b, src + kk, rows, 0).intoArray(bp, o);
            FloatVector.fromArray(S, b, src + kk + L * ldb, rows, 0).intoArray(bp, o + L);
        }
    }

    /** op(B) = B: two vector copies per k. */
    static void notTransposed(float[] b, int ldb, int pc, int kc, int jr, float[] bp, int base) {
        for (int kk = 0; kk < kc; kk++) {
            int src = (pc + kk) * ldb + jr;
            int dst = base + kk * NR;
            FloatVector.fromArray(S, b, src).intoArray(bp, dst);
            FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
        }
    }

    public static void main(String[] args) {
        int n = 4096;
        int k = 4096;
        int kc = 256;
        float[] b = new float[n * k];
        for (int i = 0; i < b.length; i++) {
            b[i] = i;
        }
        float[] bp = new float[n * kc];
        int[] rows = new int[L];
        for (int j = 0; j < L; j++) {
            rows[j] = j * k;
        }
        String[] names = {"B^T, 8 rows at a time (Sgemm.packB)", "B^T, vector gathers", "B, vector copies"};
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < 10; round++) {
            for (int mode = 0; mode < 3; mode++) {
                long t0 = System.nanoTime();
                for (int pc = 0; pc < k; pc += kc) {
                    for (int jr = 0; jr < n; jr += NR) {
                        switch (mode) {
                            case 0 -> transposedRows(b, k, pc, kc, jr, bp, jr * kc);
                            case 1 -> transposedGather(b, k, pc, kc, jr, bp, jr * kc, rows);
                            default -> notTransposed(b, k, pc, kc, jr, bp, jr * kc);
                        }
                    }
                }
                best[mode] = Math.min(best[mode], (System.nanoTime() - t0) / ((double) n * k));
            }
        }
        System.out.printf("packing a %d x %d float32 matrix into %d-column panels, kc = %d, best of 10 rounds:%n",
                n, k, NR, kc);
        for (int mode = 0; mode < 3; mode++) {
            System.out.printf("  %-38s %.2f ns per element%n", names[mode], best[mode]);
        }
    }
}
