package dev.nabla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code nabla} command. Exit codes: 0 success, 1 a training failure, 2 bad usage or bad input. */
@Command(name = "nabla", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class,
        description = "Train dense sigmoid networks by backpropagation and mini-batch SGD on swappable backends.",
        subcommands = {BackendsCommand.class, TrainCommand.class, DemoCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Nabla implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_TRAINING_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams and returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Nabla());
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Nabla.class.getPackage().getImplementationVersion();
            return new String[] {"nabla " + (v == null ? "(development build)" : v)};
        }
    }
}
