package dev.nabla.benchmarks;

/**
 * The flags every forked benchmark JVM gets, through {@code @Fork(jvmArgsPrepend = ...)}. They are
 * prepended rather than appended so that a user's {@code -jvmArgsAppend} on the command line (e.g.
 * {@code -jvmArgsAppend -Dnabla.threads=1}) adds to them instead of replacing them.
 */
final class BenchmarkJvm {
    /** The `cpu` backend's Vector API is an incubator module (JDK 17..25). */
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    /** Room for the wide network's host copies (float64) and weights; the same in every fork. */
    static final String HEAP = "-Xmx6g";
    /** javacpp's off-heap limit for ND4J and DL4J (its default would follow -Xmx). */
    static final String OFF_HEAP = "-Dorg.bytedeco.javacpp.maxbytes=6g";

    private BenchmarkJvm() {
    }
}
