package dev.nabla.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log1p and lane sums that give the same bits in every lane of a vector, in their scalar twins,
 * and in every JIT tier. Built only from operations Java defines exactly (+, -, *, /, fused
 * multiply-add, min, max, bit moves), never from {@code VectorOperators.EXP}/{@code LOG1P} (C2 calls
 * Intel's SVML for those, the interpreter and C1 {@code Math.exp} per lane: the last bits differ) nor
 * from {@code reduceLanes(ADD)} (whose order the Vector API leaves unspecified, and which C2 and the
 * Java fallback do not perform in the same order; {@link #addLanes} adds them in lane order).
 *
 * <p>So an element's sigmoid or loss term does not depend on whether it fell in a vector or in a
 * scalar tail, which depends on where a thread's share of the array begins, nor on whether the loop
 * was interpreted or compiled.
 *
 * <p>Accuracy (tested against {@link Math#exp}/{@link Math#log1p}): float exp within 2 ulp, double
 * exp within 2 ulp, over their whole ranges, overflow to +inf, gradual underflow and NaN included.
 */
final class LaneMath {
    /**
     * The kernels' species, as constants: C2 intrinsifies vector operations only when it can see the
     * species (one taken from an argument's species() made it box every vector, ~100x slower).
     */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private LaneMath() {
    }

    // ---------------------------------------------------------------- float32

    private static final float F_LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float F_SHIFTER = 12582912f;
    private static final int F_SHIFTER_BITS = 0x4B400000;
    /** ln 2 in two parts; the high part has 9 significant bits, so k * F_LN2_HI is exact. */
    private static final float F_LN2_HI = 0.693359375f;
    private static final float F_LN2_LO = -2.12194440e-4f;
    /** exp overflows to +inf above 88.73 and underflows to 0 below -103.97; clamped a little wider. */
    private static final float F_MIN = -110f;
    private static final float F_MAX = 90f;
    /** 1/n! for n = 2..7: Taylor's polynomial of e^r on |r| <= ln2 / 2, error below 1e-8 relative. */
    private static final float F_C2 = 0.5f;
    private static final float F_C3 = 1.66666672e-1f;
    private static final float F_C4 = 4.16666679e-2f;
    private static final float F_C5 = 8.33333377e-3f;
    private static final float F_C6 = 1.38888892e-3f;
    private static final float F_C7 = 1.98412701e-4f;
    private static final float F_SQRT2 = 1.41421356f;
    private static final float F_LN2 = 0.693147181f;

    /** e^x lanewise. */
    static FloatVector exp(FloatVector x) {
        var s = FS;
        FloatVector xc = x.max(F_MIN).min(F_MAX);
        FloatVector t = xc.fma(F_LOG2E, F_SHIFTER);
        FloatVector k = t.sub(F_SHIFTER);
        FloatVector r = k.fma(FloatVector.broadcast(s, -F_LN2_HI), xc);
        r = k.fma(FloatVector.broadcast(s, -F_LN2_LO), r);
        FloatVector p = r.fma(F_C7, F_C6);
        p = p.fma(r, FloatVector.broadcast(s, F_C5));
        p = p.fma(r, FloatVector.broadcast(s, F_C4));
        p = p.fma(r, FloatVector.broadcast(s, F_C3));
        p = p.fma(r, FloatVector.broadcast(s, F_C2));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        // 2^k as two factors 2^(k>>1) and 2^(k - (k>>1)), each a normal float for |k| <= 160: the
        // first product is exact, the second rounds once (to a subnormal, or to +inf, when it must).
        IntVector ki = t.reinterpretAsInts().sub(F_SHIFTER_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = ki.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** e^x: the same operations as one lane of {@link #exp(FloatVector)}. */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, F_MIN), F_MAX);
        float t = Math.fma(xc, F_LOG2E, F_SHIFTER);
        float k = t - F_SHIFTER;
        float r = Math.fma(k, -F_LN2_HI, xc);
        r = Math.fma(k, -F_LN2_LO, r);
        float p = Math.fma(r, F_C7, F_C6);
        p = Math.fma(p, r, F_C5);
        p = Math.fma(p, r, F_C4);
        p = Math.fma(p, r, F_C3);
        p = Math.fma(p, r, F_C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int ki = Float.floatToRawIntBits(t) - F_SHIFTER_BITS;
        int k1 = ki >> 1;
        int k2 = ki - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /**
     * ln(1 + u) lanewise for u in [0, 1] (the softplus of cross-entropy): w = 1 + u rounded, its
     * rounding error c = u - (w - 1) added back as c / w, and ln w from w or w / 2 in
     * [1/sqrt 2, sqrt 2] by the series 2 atanh(f / (2 + f)).
     */
    static FloatVector log1pUnit(FloatVector u) {
        var s = FS;
        FloatVector one = FloatVector.broadcast(s, 1f);
        FloatVector w = u.add(one);
        FloatVector c = u.sub(w.sub(one));
        VectorMask<Float> big = w.compare(VectorOperators.GT, F_SQRT2);
        FloatVector wr = w.blend(w.mul(0.5f), big);
        FloatVector kln2 = FloatVector.zero(s).blend(F_LN2, big);
        FloatVector f = wr.sub(one);
        FloatVector q = f.div(f.add(2f));
        FloatVector z = q.mul(q);
        FloatVector series = z.fma(1f / 11, 1f / 9);
        series = series.fma(z, FloatVector.broadcast(s, 1f / 7));
        series = series.fma(z, FloatVector.broadcast(s, 1f / 5));
        series = series.fma(z, FloatVector.broadcast(s, 1f / 3));
        FloatVector lnw = q.add(q).fma(z.mul(series), q.add(q));
        return kln2.add(lnw.add(c.div(w)));
    }

    /** ln(1 + u) for u in [0, 1]: the same operations as one lane of {@link #log1pUnit(FloatVector)}. */
    static float log1pUnit(float u) {
        float w = u + 1f;
        float c = u - (w - 1f);
        boolean big = w > F_SQRT2;
        float wr = big ? w * 0.5f : w;
        float kln2 = big ? F_LN2 : 0f;
        float f = wr - 1f;
        float q = f / (f + 2f);
        float z = q * q;
        float series = Math.fma(z, 1f / 11, 1f / 9);
        series = Math.fma(series, z, 1f / 7);
        series = Math.fma(series, z, 1f / 5);
        series = Math.fma(series, z, 1f / 3);
        float lnw = Math.fma(q + q, z * series, q + q);
        return kln2 + (lnw + c / w);
    }

    /** sum + lane 0 + lane 1 + ..., added in that order. */
    static float addLanes(float sum, FloatVector v) {
        for (int i = 0; i < v.length(); i++) {
            sum += v.lane(i);
        }
        return sum;
    }

    // ---------------------------------------------------------------- float64

    private static final double D_LOG2E = 1.4426950408889634;
    /** 1.5 * 2^52. */
    private static final double D_SHIFTER = 6755399441055744.0;
    private static final long D_SHIFTER_BITS = 0x4338000000000000L;
    /** fdlibm's ln 2 split: the high part's trailing 32 bits are zero, so k * D_LN2_HI is exact. */
    private static final double D_LN2_HI = 6.93147180369123816490e-01;
    private static final double D_LN2_LO = 1.90821492927058770002e-10;
    /** exp overflows above 709.79 and underflows to 0 below -745.14. */
    private static final double D_MIN = -760;
    private static final double D_MAX = 720;
    private static final double D_SQRT2 = 1.4142135623730951;
    private static final double D_LN2 = 0.6931471805599453;
    /** 1/n! for n = 0..13, Taylor's polynomial of e^r on |r| <= ln2 / 2: error below 5e-18 relative. */
    private static final double[] D_TAYLOR = taylor(13);

    private static double[] taylor(int degree) {
        double[] c = new double[degree + 1];
        double f = 1;
        for (int n = 0; n <= degree; n++) {
            if (n > 0) {
                f *= n;
            }
            c[n] = 1 / f;
        }
        return c;
    }

    private static final double D_C13 = D_TAYLOR[13];
    private static final double D_C12 = D_TAYLOR[12];
    private static final double D_C11 = D_TAYLOR[11];
    private static final double D_C10 = D_TAYLOR[10];
    private static final double D_C9 = D_TAYLOR[9];
    private static final double D_C8 = D_TAYLOR[8];
    private static final double D_C7 = D_TAYLOR[7];
    private static final double D_C6 = D_TAYLOR[6];
    private static final double D_C5 = D_TAYLOR[5];
    private static final double D_C4 = D_TAYLOR[4];
    private static final double D_C3 = D_TAYLOR[3];
    private static final double D_C2 = D_TAYLOR[2];

    /** e^x lanewise. */
    static DoubleVector exp(DoubleVector x) {
        var s = DS;
        DoubleVector xc = x.max(D_MIN).min(D_MAX);
        DoubleVector t = xc.fma(D_LOG2E, D_SHIFTER);
        DoubleVector k = t.sub(D_SHIFTER);
        DoubleVector r = k.fma(DoubleVector.broadcast(s, -D_LN2_HI), xc);
        r = k.fma(DoubleVector.broadcast(s, -D_LN2_LO), r);
        DoubleVector p = r.fma(D_C13, D_C12);
        p = p.fma(r, DoubleVector.broadcast(s, D_C11));
        p = p.fma(r, DoubleVector.broadcast(s, D_C10));
        p = p.fma(r, DoubleVector.broadcast(s, D_C9));
        p = p.fma(r, DoubleVector.broadcast(s, D_C8));
        p = p.fma(r, DoubleVector.broadcast(s, D_C7));
        p = p.fma(r, DoubleVector.broadcast(s, D_C6));
        p = p.fma(r, DoubleVector.broadcast(s, D_C5));
        p = p.fma(r, DoubleVector.broadcast(s, D_C4));
        p = p.fma(r, DoubleVector.broadcast(s, D_C3));
        p = p.fma(r, DoubleVector.broadcast(s, D_C2));
        p = p.fma(r, DoubleVector.broadcast(s, 1.0));
        p = p.fma(r, DoubleVector.broadcast(s, 1.0));
        LongVector ki = t.reinterpretAsLongs().sub(D_SHIFTER_BITS);
        LongVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = ki.sub(k1);
        DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(s1).mul(s2);
    }

    /** e^x: the same operations as one lane of {@link #exp(DoubleVector)}. */
    static double exp(double x) {
        double xc = Math.min(Math.max(x, D_MIN), D_MAX);
        double t = Math.fma(xc, D_LOG2E, D_SHIFTER);
        double k = t - D_SHIFTER;
        double r = Math.fma(k, -D_LN2_HI, xc);
        r = Math.fma(k, -D_LN2_LO, r);
        double p = Math.fma(r, D_C13, D_C12);
        p = Math.fma(p, r, D_C11);
        p = Math.fma(p, r, D_C10);
        p = Math.fma(p, r, D_C9);
        p = Math.fma(p, r, D_C8);
        p = Math.fma(p, r, D_C7);
        p = Math.fma(p, r, D_C6);
        p = Math.fma(p, r, D_C5);
        p = Math.fma(p, r, D_C4);
        p = Math.fma(p, r, D_C3);
        p = Math.fma(p, r, D_C2);
        p = Math.fma(p, r, 1.0);
        p = Math.fma(p, r, 1.0);
        long ki = Double.doubleToRawLongBits(t) - D_SHIFTER_BITS;
        long k1 = ki >> 1;
        long k2 = ki - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }

    /** ln(1 + u) lanewise for u in [0, 1]; see {@link #log1pUnit(FloatVector)}. */
    static DoubleVector log1pUnit(DoubleVector u) {
        var s = DS;
        DoubleVector one = DoubleVector.broadcast(s, 1.0);
        DoubleVector w = u.add(one);
        DoubleVector c = u.sub(w.sub(one));
        VectorMask<Double> big = w.compare(VectorOperators.GT, D_SQRT2);
        DoubleVector wr = w.blend(w.mul(0.5), big);
        DoubleVector kln2 = DoubleVector.zero(s).blend(D_LN2, big);
        DoubleVector f = wr.sub(one);
        DoubleVector q = f.div(f.add(2.0));
        DoubleVector z = q.mul(q);
        DoubleVector series = z.fma(1.0 / 25, 1.0 / 23);
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 21));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 19));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 17));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 15));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 13));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 11));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 9));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 7));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 5));
        series = series.fma(z, DoubleVector.broadcast(s, 1.0 / 3));
        DoubleVector lnw = q.add(q).fma(z.mul(series), q.add(q));
        return kln2.add(lnw.add(c.div(w)));
    }

    /** ln(1 + u) for u in [0, 1]: the same operations as one lane of {@link #log1pUnit(DoubleVector)}. */
    static double log1pUnit(double u) {
        double w = u + 1.0;
        double c = u - (w - 1.0);
        boolean big = w > D_SQRT2;
        double wr = big ? w * 0.5 : w;
        double kln2 = big ? D_LN2 : 0.0;
        double f = wr - 1.0;
        double q = f / (f + 2.0);
        double z = q * q;
        double series = Math.fma(z, 1.0 / 25, 1.0 / 23);
        series = Math.fma(series, z, 1.0 / 21);
        series = Math.fma(series, z, 1.0 / 19);
        series = Math.fma(series, z, 1.0 / 17);
        series = Math.fma(series, z, 1.0 / 15);
        series = Math.fma(series, z, 1.0 / 13);
        series = Math.fma(series, z, 1.0 / 11);
        series = Math.fma(series, z, 1.0 / 9);
        series = Math.fma(series, z, 1.0 / 7);
        series = Math.fma(series, z, 1.0 / 5);
        series = Math.fma(series, z, 1.0 / 3);
        double lnw = Math.fma(q + q, z * series, q + q);
        return kln2 + (lnw + c / w);
    }

    /** sum + lane 0 + lane 1 + ..., added in that order. */
    static double addLanes(double sum, DoubleVector v) {
        for (int i = 0; i < v.length(); i++) {
            sum += v.lane(i);
        }
        return sum;
    }
}
