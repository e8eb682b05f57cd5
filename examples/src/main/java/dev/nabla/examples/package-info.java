/**
 * Small programs that use Nabla as a library; {@code mvn verify} runs each of them. {@link
 * dev.nabla.examples.QuickStart} is the README's quick start.
 */
package dev.nabla.examples;
