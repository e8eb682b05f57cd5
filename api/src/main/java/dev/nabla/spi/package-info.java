/**
 * The backend SPI and registry. A backend module implements {@link dev.nabla.spi.BackendProvider} and
 * registers it in {@code META-INF/services/dev.nabla.spi.BackendProvider}; applications find backends by
 * id with {@link dev.nabla.spi.Backends} ({@code Backends.create("cpu")}, or {@code createDefault()},
 * which honours {@code -Dnabla.backend=ID} and {@code NABLA_BACKEND}). {@link dev.nabla.spi.HeapTensor}
 * serves backends that keep tensors in Java arrays.
 */
package dev.nabla.spi;
