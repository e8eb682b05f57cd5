/**
 * Training: {@link dev.nabla.train.TrainingRun} is the one entry point (epochs, the seeded shuffle,
 * validation, checkpoints, resume, the JSON log, divergence, stop requests, saving the model), built
 * from {@link dev.nabla.train.TrainingSettings}; {@link dev.nabla.train.Evaluator} measures a network
 * on a data set; {@link dev.nabla.train.StepEngine} is where a cluster or device engine plugs in.
 */
package dev.nabla.train;
