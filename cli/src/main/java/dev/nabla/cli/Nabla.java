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
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        // A failure on another thread (a backend's worker) is one line too, not a stack trace.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            PrintWriter err = new PrintWriter(System.err, true);
            err.println("nabla: " + Failures.message(e) + " (in thread " + Failures.oneLine(thread.getName()) + ")");
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
        });
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
            return report(e, commandLine.getErr(), verbose);
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("nabla: " + Failures.oneLine(e.getMessage()));
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for the options.");
            return EXIT_BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the handler above; an Error thrown by a command ends here.
            return report(e, err, java.util.Arrays.asList(args).contains("--verbose"));
        }
    }

    /** Prints a failure as one line (and its stack trace when verbose) and returns its exit code. */
    static int report(Throwable e, PrintWriter err, boolean verbose) {
        err.println("nabla: " + Failures.message(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return Failures.exitCode(e);
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
