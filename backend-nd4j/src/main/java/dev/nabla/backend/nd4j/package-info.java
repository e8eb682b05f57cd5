/**
 * The {@code nd4j} backend (ND4J on the CPU with OpenBLAS) and, in builds made with {@code -Pcuda},
 * {@code nd4j-cuda}. ND4J loads one flavour per JVM. Arrays live off the Java heap and are freed when
 * their tensor or the backend is closed.
 */
package dev.nabla.backend.nd4j;
