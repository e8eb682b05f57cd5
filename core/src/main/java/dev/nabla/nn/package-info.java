/**
 * Networks: {@link dev.nabla.nn.Network} (dense sigmoid layers on one backend, trained for one loss:
 * forward, backward, predict), {@link dev.nabla.nn.Parameters} (weights on the host, in float64) and
 * {@link dev.nabla.nn.Sgd} (the update, with optional momentum).
 */
package dev.nabla.nn;
