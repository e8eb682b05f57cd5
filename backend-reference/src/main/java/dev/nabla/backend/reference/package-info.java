/**
 * The {@code reference} backend: plain scalar loops that accumulate in float64 and round once, on
 * one thread. Slow and obviously right: the oracle every other backend is checked against.
 */
package dev.nabla.backend.reference;
