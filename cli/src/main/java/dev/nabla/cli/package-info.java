/**
 * The {@code nabla} command line (picocli): train, eval, predict, gradcheck, bench, demo, backends and
 * generate-digits. Commands map options onto the library and render its results; exit codes are 0
 * (success), 1 (a training failure) and 2 (bad usage or bad input).
 */
package dev.nabla.cli;
