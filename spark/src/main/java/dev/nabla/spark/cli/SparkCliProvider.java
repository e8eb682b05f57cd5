package dev.nabla.spark.cli;

import dev.nabla.cli.SparkEngineProvider;
import dev.nabla.spark.SparkTraining;
import dev.nabla.train.StepEngine;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.ShutdownHookManager;
import scala.runtime.BoxedUnit;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code nabla train --spark MASTER}: starts a Spark application for the run and hands the CLI a
 * {@link SparkTraining} engine. Found by the CLI through {@code META-INF/services}.
 */
public final class SparkCliProvider implements SparkEngineProvider {
    /** How long a Ctrl-C waits for the step in progress before Spark shuts down anyway. */
    private static final long STOP_WAIT_SECONDS = 60;

    /** Made by {@link java.util.ServiceLoader}, which needs a public no-argument constructor. */
    public SparkCliProvider() {
    }

    @Override
    public Session open(Request request) {
        String master = request.master();
        SparkConf fromSubmit = new SparkConf();
        if (master.isEmpty() && !fromSubmit.contains("spark.master")) {
            throw new IllegalArgumentException("--spark without a master URL takes spark-submit's master, but "
                    + "this is not spark-submit: give one, e.g. --spark local[2]");
        }
        String effective = master.isEmpty() ? fromSubmit.get("spark.master") : master;
        SparkTraining.Mode mode = SparkTraining.Mode.parse(request.mode());
        SparkSession.Builder builder = SparkSession.builder().appName("nabla train");
        if (!master.isEmpty()) {
            builder.master(master);
        }
        if (effective.startsWith("local")) {
            // One machine: no web UI, and the driver on the loopback interface.
            builder.config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.driver.host", "localhost")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        }
        request.conf().forEach(builder::config);
        SparkSession session = builder.getOrCreate();
        try {
            SparkTraining training = SparkTraining.on(session).mode(mode).averageSteps(request.averageSteps())
                    .partitions(request.partitions()).backend(request.backendId()).threads(request.threads()).build();
            return new CliSession(session, training, effective);
        } catch (RuntimeException e) {
            session.stop();
            throw e;
        }
    }

    private static final class CliSession implements Session {
        private final SparkSession session;
        private final SparkTraining training;
        private final String master;
        private final CountDownLatch closed = new CountDownLatch(1);
        private final Object hook;

        CliSession(SparkSession session, SparkTraining training, String master) {
            this.session = session;
            this.training = training;
            this.master = master;
            // Ctrl-C: the CLI asks the run to stop after the step in progress; this keeps Spark's own
            // shutdown (which would fail that step) waiting until the run has stopped and closed us.
            this.hook = ShutdownHookManager.addShutdownHook(ShutdownHookManager.SPARK_CONTEXT_SHUTDOWN_PRIORITY() + 10,
                    () -> {
                        try {
                            closed.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return BoxedUnit.UNIT;
                    });
        }

        @Override
        public StepEngine.Factory engine() {
            return training;
        }

        @Override
        public String description() {
            return String.format(Locale.ROOT, "Spark %s on %s, %s", session.version(), master, training.describe());
        }

        @Override
        public String summary() {
            return training.lastRun() == null ? null : training.lastRun().toString();
        }

        @Override
        public void close() {
            closed.countDown();
            try {
                ShutdownHookManager.removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is running and now returns
            }
            session.stop();
        }
    }
}
