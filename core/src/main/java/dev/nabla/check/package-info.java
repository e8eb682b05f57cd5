/**
 * Cross-checking backends: {@link dev.nabla.check.Tolerances} (how close two backends' gradients must
 * be) and {@link dev.nabla.check.GradientCrossCheck} (one network's gradients on several backends).
 */
package dev.nabla.check;
