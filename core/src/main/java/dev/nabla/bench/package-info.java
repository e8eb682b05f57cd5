/**
 * The benchmark workloads and the timed SGD step that {@code nabla bench} and the JMH harness share,
 * so both measure the same code.
 */
package dev.nabla.bench;
