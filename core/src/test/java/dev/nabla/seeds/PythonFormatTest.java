package dev.nabla.seeds;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PythonFormatTest {
    /** Expected strings are what CPython 3.11 prints for f"{x:.6f}" / f"{x:.2f}". */
    @Test
    void matchesPythonFixedPointFormatting() {
        assertEquals("0.063306", PythonFormat.fixed(0.06330557, 6));
        assertEquals("0.000000", PythonFormat.fixed(1e-9, 6));
        assertEquals("-0.000000", PythonFormat.fixed(-1e-9, 6));
        assertEquals("1.000000", PythonFormat.fixed(0.9999999, 6));
        // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875: Python prints 2.67.
        assertEquals("2.67", PythonFormat.fixed(2.675, 2));
        // 0.125 is exact: Python rounds half to even, 0.12.
        assertEquals("0.12", PythonFormat.fixed(0.125, 2));
        assertEquals("nan", PythonFormat.fixed(Double.NaN, 6));
    }
}
