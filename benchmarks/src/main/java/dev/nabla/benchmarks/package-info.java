/**
 * JMH benchmarks of mini-batch SGD throughput, GEMM and the machine's FMA peak, on every backend and
 * against DL4J; see benchmarks/README.md.
 */
package dev.nabla.benchmarks;
