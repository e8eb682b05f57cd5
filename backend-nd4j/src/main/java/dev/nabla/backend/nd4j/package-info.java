/**
 * The {@code nd4j} backend (ND4J 1.0.0-M2.1 on the CPU with OpenBLAS, {@link
 * dev.nabla.backend.nd4j.Nd4jProvider}) and, in builds made with {@code -Pcuda}, {@code nd4j-cuda}
 * ({@link dev.nabla.backend.nd4j.Nd4jCudaProvider}). ND4J loads one flavour per JVM. Arrays live off
 * the Java heap and are freed when their tensor or the backend is closed, so close both; a failed
 * allocation is one {@link java.lang.IllegalStateException} naming the tensor's dtype and shape and
 * the process's memory limits (javacpp's {@code org.bytedeco.javacpp.maxbytes} and
 * {@code maxphysicalbytes}).
 */
package dev.nabla.backend.nd4j;
