/**
 * The seed tutorials' worked examples, reproduced through the library: seed 002's 1-1-1 network and
 * its printed trajectory ({@link dev.nabla.seeds.Seed002}), and seed 001's teacher network that labels
 * random inputs ({@link dev.nabla.seeds.SyntheticTeacher}).
 */
package dev.nabla.seeds;
