/**
 * File primitives that know nothing of networks: {@link dev.nabla.io.AtomicFiles} (write to a
 * temporary file, force, rename), the safetensors {@link dev.nabla.io.SafeTensorsFile reader} and
 * {@link dev.nabla.io.SafeTensorsWriter writer}, and their strict validation.
 */
package dev.nabla.io;
