/** Turns a JMH run's JSON and log into benchmarks/RESULTS.md and its charts. */
package dev.nabla.benchmarks.report;
