package dev.nabla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code nabla} command. Exit codes: 0 success, 1 a training failure, 2 bad usage or bad input. */
@Command(name = "nabla", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class,
        description = "Train dense sigmoid networks by backpropagation and mini-batch SGD on swappable backends.",
        subcommands = {BackendsCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class,
                GenerateDigitsCommand.class, GradcheckCommand.class, BenchCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Nabla implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_TRAINING_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether standard output is a terminal (progress bars) rather than a pipe or file (plain lines). */
    final boolean terminal;
    /** Whether Ctrl-C / SIGTERM stop training cleanly (the real process, not tests sharing a JVM). */
    final boolean handleSignals;

    Nabla(boolean terminal, boolean handleSignals) {
        this.terminal = terminal;
        this.handleSignals = handleSignals;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                isTerminal(), true));
    }

    /** Runs the command line with the given output streams and returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, false, false);
    }

    static int execute(String[] args, PrintWriter out, PrintWriter err, boolean terminal, boolean handleSignals) {
        CommandLine cli = new CommandLine(new Nabla(terminal, handleSignals));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(Failures::exitCode);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommands().stream()
                    .anyMatch(p -> p.hasMatchedOption("--verbose"));
            commandLine.getErr().println("nabla: " + Failures.message(e));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return Failures.exitCode(e);
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("nabla: " + e.getMessage());
            e.getCommandLine().getErr().println("Try 'nabla " + e.getCommandLine().getCommandName()
                    + " --help' for the options.");
            return EXIT_BAD_INPUT;
        });
        return cli.execute(args);
    }

    /**
     * Whether the process talks to a terminal. {@code System.console()} is null when a stream is
     * redirected up to JDK 21; from JDK 22 it may exist anyway, and {@code Console.isTerminal()}
     * (looked up reflectively, as the code targets 17) tells.
     */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Nabla.class.getPackage().getImplementationVersion();
            return new String[] {"nabla " + (v == null ? "(development build)" : v)};
        }
    }
}
