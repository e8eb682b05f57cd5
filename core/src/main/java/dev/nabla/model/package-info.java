/**
 * Model files and checkpoints in the safetensors format: {@link dev.nabla.model.ModelFile} saves and
 * loads a network in one call; {@link dev.nabla.model.Checkpoint} adds the optimizer state and the
 * training state needed to resume bit for bit; {@link dev.nabla.model.CheckpointDirectory} keeps a run's
 * checkpoints, owned and locked by that run.
 */
package dev.nabla.model;
