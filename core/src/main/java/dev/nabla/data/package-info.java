/**
 * Examples on the host: {@link dev.nabla.data.Dataset} (features and targets) and
 * {@link dev.nabla.data.Features} (inputs alone), stored in float32 or float64; loaders for CSV
 * ({@link dev.nabla.data.CsvLoader}, {@link dev.nabla.data.CsvFormat}) and MNIST-style IDX files
 * ({@link dev.nabla.data.IdxLoader}); {@link dev.nabla.data.HoldOut} validation splits. Every malformed
 * input is refused with the file and the line, column or byte where it went wrong.
 */
package dev.nabla.data;
