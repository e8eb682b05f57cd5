package dev.nabla.backend.cpu;

/** Cache-blocking sizes of the packed GEMM, in elements. */
final class Blocking {
    /**
     * float32: the KC x NC packed B block, 256 x 1024 floats = 1 MB, stays in the 2 MB L2 while the
     * micro-kernel streams its panels, and the 12 x 256 A micro-panel (12 KB) stays in L1. MC bounds
     * the shared packed A block (4080 x 256 floats = 4 MB, L3). Measured (1 thread, 2040 x 2048 x
     * 2048): KC 256/384/512/768/1024 with NC = 1 MB of floats gave 88.6/85.1/88.2/83.4/79.1 GFLOP/s;
     * at 1024^3 KC 128-384 and NC 512-4096 were within noise of each other.
     */
    static final Blocking FLOAT = new Blocking(256, 4080, 1024);

    /** float64: the same bytes per block as float32 (half the columns in the L2 block). */
    static final Blocking DOUBLE = new Blocking(256, 4080, 512);

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
