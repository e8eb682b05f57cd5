package dev.nabla.backend.cpu;

/** Cache-blocking sizes of the packed GEMM, in elements. */
final class Blocking {
    /**
     * float32: KC x NC packed B block of 256 x 1024 floats = 1 MB stays in the 2 MB L2 while the
     * micro-kernel streams its panels; the 12 x 256 A micro-panel (12 KB) stays in L1. MC bounds the
     * packed A block (MC x KC, ~1 MB, L3). Measured: TODO.
     */
    static final Blocking FLOAT = new Blocking(256, 1020, 1024);

    /** float64: the same bytes per block as float32 (half the columns in the L2 block). */
    static final Blocking DOUBLE = new Blocking(256, 1020, 512);

    final int kc;
    final int mc;
    final int nc;

    Blocking(int kc, int mc, int nc) {
        this.kc = kc;
        this.mc = mc;
        this.nc = nc;
    }

    @Override
    public String toString() {
        return "KC=" + kc + " MC=" + mc + " NC=" + nc;
    }
}
