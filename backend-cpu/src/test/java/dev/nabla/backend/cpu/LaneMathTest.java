package dev.nabla.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link LaneMath}: every lane of the vector functions equals the scalar twin bit for bit (so an
 * element's value cannot depend on falling in a vector or in a tail), and both are accurate against
 * {@link Math#exp} / {@link Math#log1p} over the whole range, overflow, underflow and NaN included.
 */
class LaneMathTest {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private static float[] floatInputs() {
        SplittableRandom random = new SplittableRandom(11);
        float[] special = {0f, -0f, 1f, -1f, 1e-30f, -1e-30f, Float.MIN_VALUE, 0.34657359f, -0.34657359f, 0.5f,
            88.7f, 88.72f, 88.73f, 88.8f, 89f, 90f, 95f, 1000f, -87.3f, -87.4f, -100f, -103.9f, -103.98f,
            -104f, -105f, -110f, -200f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, 20f, -20f, 15.942385f, -16.635532f};
        int n = 200_000;
        float[] x = new float[n + special.length];
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 240 - 120);
            if (i % 4 == 0) {
                x[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return x;
    }

    private static double[] doubleInputs() {
        SplittableRandom random = new SplittableRandom(12);
        double[] special = {0, -0.0, 1, -1, 1e-300, -1e-300, Double.MIN_VALUE, 0.34657359027997264, 709.7, 709.78,
            709.79, 710, 720, 1000, -708.3, -708.5, -744, -745.1, -745.2, -760, -1000, Double.MAX_VALUE,
            -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 36.7, -36.7};
        int n = 200_000;
        double[] x = new double[n + special.length];
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < x.length; i++) {
            x[i] = random.nextDouble() * 1560 - 780;
            if (i % 4 == 0) {
                x[i] = random.nextDouble() * 2 - 1;
            }
        }
        return x;
    }

    /** |a - b| in units of b's last place (b finite and normal), or in units of the smallest subnormal. */
    private static double ulps(double a, double b, double ulpOfB) {
        return Math.abs(a - b) / ulpOfB;
    }

    @Test
    void floatExpLanesEqualTheScalarTwinAndMathExp() {
        float[] x = floatInputs();
        float[] vec = new float[x.length];
        int i = 0;
        for (; i <= x.length - FS.length(); i += FS.length()) {
            LaneMath.exp(FloatVector.fromArray(FS, x, i)).intoArray(vec, i);
        }
        double worst = 0;
        for (int j = 0; j < x.length; j++) {
            float scalar = LaneMath.exp(x[j]);
            if (j < i && Float.floatToRawIntBits(vec[j]) != Float.floatToRawIntBits(scalar)
                    && !(Float.isNaN(vec[j]) && Float.isNaN(scalar))) {
                fail("exp(" + x[j] + "): lane " + vec[j] + " but scalar twin " + scalar);
            }
            float expected = (float) Math.exp(x[j]);
            if (Float.isNaN(expected) || Float.isInfinite(expected) || expected == 0f) {
                assertEquals(expected, scalar, "exp(" + x[j] + ")");
                continue;
            }
            double e = ulps(scalar, expected, Math.max(Math.ulp(expected), Float.MIN_VALUE));
            worst = Math.max(worst, e);
            if (e > 2) {
                fail("exp(" + x[j] + ") = " + scalar + ", Math.exp gives " + expected + ": " + e + " ulp");
            }
        }
        assertTrue(worst <= 2, "worst " + worst + " ulp");
    }

    @Test
    void doubleExpLanesEqualTheScalarTwinAndMathExp() {
        double[] x = doubleInputs();
        double[] vec = new double[x.length];
        int i = 0;
        for (; i <= x.length - DS.length(); i += DS.length()) {
            LaneMath.exp(DoubleVector.fromArray(DS, x, i)).intoArray(vec, i);
        }
        for (int j = 0; j < x.length; j++) {
            double scalar = LaneMath.exp(x[j]);
            if (j < i && Double.doubleToRawLongBits(vec[j]) != Double.doubleToRawLongBits(scalar)
                    && !(Double.isNaN(vec[j]) && Double.isNaN(scalar))) {
                fail("exp(" + x[j] + "): lane " + vec[j] + " but scalar twin " + scalar);
            }
            double expected = Math.exp(x[j]);
            if (Double.isNaN(expected) || Double.isInfinite(expected) || expected == 0) {
                assertEquals(expected, scalar, "exp(" + x[j] + ")");
                continue;
            }
            double e = ulps(scalar, expected, Math.max(Math.ulp(expected), Double.MIN_VALUE));
            if (e > 2) {
                fail("exp(" + x[j] + ") = " + scalar + ", Math.exp gives " + expected + ": " + e + " ulp");
            }
        }
    }

    @Test
    void log1pOfUnitIntervalLanesEqualTheScalarTwinAndMathLog1p() {
        SplittableRandom random = new SplittableRandom(13);
        int n = 100_000;
        float[] fu = new float[n];
        double[] du = new double[n];
        for (int j = 0; j < n; j++) {
            double u = j < 64 ? Math.scalb(1.0, -j * 2) : random.nextDouble();
            if (j % 3 == 0 && j >= 64) {
                u = Math.exp(-random.nextDouble() * 100);
            }
            fu[j] = (float) u;
            du[j] = u;
        }
        fu[64] = 1f;
        du[64] = 1;
        fu[65] = 0f;
        du[65] = 0;
        fu[66] = 0.41421354f;
        du[66] = 0.41421356237309515;
        float[] fv = new float[n];
        double[] dv = new double[n];
        int fi = 0;
        for (; fi <= n - FS.length(); fi += FS.length()) {
            LaneMath.log1pUnit(FloatVector.fromArray(FS, fu, fi)).intoArray(fv, fi);
        }
        int di = 0;
        for (; di <= n - DS.length(); di += DS.length()) {
            LaneMath.log1pUnit(DoubleVector.fromArray(DS, du, di)).intoArray(dv, di);
        }
        for (int j = 0; j < n; j++) {
            float fs = LaneMath.log1pUnit(fu[j]);
            double ds = LaneMath.log1pUnit(du[j]);
            if (j < fi) {
                assertEquals(Float.floatToRawIntBits(fs), Float.floatToRawIntBits(fv[j]), "float lane " + fu[j]);
            }
            if (j < di) {
                assertEquals(Double.doubleToRawLongBits(ds), Double.doubleToRawLongBits(dv[j]), "double lane " + du[j]);
            }
            float fe = (float) Math.log1p(fu[j]);
            double de = Math.log1p(du[j]);
            if (fe == 0f) {
                assertEquals(0f, fs);
            } else if (ulps(fs, fe, Math.ulp(fe)) > 2) {
                fail("float log1p(" + fu[j] + ") = " + fs + ", Math.log1p gives " + fe);
            }
            if (de == 0) {
                assertEquals(0.0, ds);
            } else if (ulps(ds, de, Math.ulp(de)) > 3) {
                fail("double log1p(" + du[j] + ") = " + ds + ", Math.log1p gives " + de);
            }
        }
    }

    @Test
    void addLanesAddsFromLaneZeroUp() {
        float[] f = new float[FS.length()];
        double[] d = new double[DS.length()];
        float fe = 0.25f;
        double de = 0.25;
        for (int i = 0; i < f.length; i++) {
            f[i] = i == 0 ? 1f : (i % 2 == 0 ? 3e-8f : 1e8f * (i % 3 == 0 ? -1 : 1));
            fe += f[i];
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = i == 0 ? 1 : (i % 2 == 0 ? 1e-17 : 1e17 * (i % 3 == 0 ? -1 : 1));
            de += d[i];
        }
        assertEquals(Float.floatToRawIntBits(fe),
                Float.floatToRawIntBits(LaneMath.addLanes(0.25f, FloatVector.fromArray(FS, f, 0))));
        assertEquals(Double.doubleToRawLongBits(de),
                Double.doubleToRawLongBits(LaneMath.addLanes(0.25, DoubleVector.fromArray(DS, d, 0))));
    }

    @Test
    void sigmoidTwinsAgreeAndSaturateCleanly() {
        float[] x = floatInputs();
        float[] out = new float[x.length];
        FloatKernels.sigmoid(x, out, 0, x.length);
        float[] shifted = new float[x.length];
        // The same elements from offset 1: those in vectors now fall in tails and the reverse.
        FloatKernels.sigmoid(x, shifted, 1, x.length);
        for (int j = 1; j < x.length; j++) {
            assertEquals(Float.floatToRawIntBits(out[j]), Float.floatToRawIntBits(shifted[j]), "sigmoid(" + x[j] + ")");
            assertEquals(Float.floatToRawIntBits(FloatKernels.sigmoid(x[j])), Float.floatToRawIntBits(out[j]));
            if (!Float.isNaN(x[j])) {
                double expected = 1 / (1 + Math.exp(-(double) x[j]));
                assertTrue(Math.abs(out[j] - expected) <= 3e-7 * expected + 1e-38, "sigmoid(" + x[j] + ") = " + out[j]);
            }
        }
        assertEquals(1f, FloatKernels.sigmoid(1000f));
        assertEquals(0f, FloatKernels.sigmoid(-1000f));
        assertEquals(0.5f, FloatKernels.sigmoid(0f));
    }
}
