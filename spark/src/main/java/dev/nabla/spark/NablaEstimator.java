package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.data.HoldOut;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.TrainingResult;
import dev.nabla.train.TrainingRun;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A Spark ML {@link Estimator} that trains a Nabla network (dense layers, a sigmoid on each) on a
 * DataFrame, through {@link TrainingRun} with {@link SparkTraining} as its engine, and gives a
 * {@link NablaModel}.
 *
 * <pre>{@code
 * NablaModel model = new NablaEstimator()
 *         .setLayers(784, 128, 10).setLoss("bce").setLearningRate(0.5).setBatchSize(256).setEpochs(5)
 *         .setFeaturesCol("features").setLabelCol("label")
 *         .fit(train);                      // features: Vector or array<float|double>; label: class index,
 * Dataset<Row> scored = model.transform(test); // one-hot or target vector; adds "outputs" and "prediction"
 * model.write().overwrite().save("hdfs:///models/digits");
 * }</pre>
 *
 * <p>The rows are gathered to the driver in compact arrays (float32 by default) and placed on the
 * executors once; the steps then run there. The data must therefore fit in the driver's memory
 * (60,000 MNIST rows: 190 MB in float32); the compute is what is distributed.
 */
public final class NablaEstimator extends Estimator<NablaModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** This stage's unique id. */
    private final String uid;
    /** The param {@code layers}. */
    private final IntArrayParam layers;
    /** The param {@code loss}. */
    private final Param<String> loss;
    /** The param {@code learningRate}. */
    private final DoubleParam learningRate;
    /** The param {@code momentum}. */
    private final DoubleParam momentum;
    /** The param {@code batchSize}. */
    private final IntParam batchSize;
    /** The param {@code epochs}. */
    private final IntParam epochs;
    /** The param {@code seed}. */
    private final LongParam seed;
    /** The param {@code backend}. */
    private final Param<String> backend;
    /** The param {@code threads}. */
    private final IntParam threads;
    /** The param {@code mode}. */
    private final Param<String> mode;
    /** The param {@code averageSteps}. */
    private final IntParam averageSteps;
    /** The param {@code numPartitions}. */
    private final IntParam numPartitions;
    /** The param {@code dtype}. */
    private final Param<String> dtype;
    /** The param {@code validationFraction}. */
    private final DoubleParam validationFraction;
    /** The param {@code featuresCol}. */
    private final Param<String> featuresCol;
    /** The param {@code labelCol}. */
    private final Param<String> labelCol;
    /** The param {@code predictionCol}. */
    private final Param<String> predictionCol;
    /** The param {@code outputCol}. */
    private final Param<String> outputCol;

    /** An estimator with a random uid and the default params; its layer sizes must be set before {@code fit}. */
    public NablaEstimator() {
        this(Identifiable$.MODULE$.randomUID("nabla"));
    }

    /**
     * An estimator with the given uid (Spark ML's reader uses this) and the default params.
     *
     * @param uid the stage's unique id
     */
    public NablaEstimator(String uid) {
        this.uid = uid;
        layers = new IntArrayParam(this, "layers", "layer sizes: inputs, hidden..., outputs");
        loss = new Param<>(this, "loss", "mse or bce");
        learningRate = new DoubleParam(this, "learningRate", "SGD step size (default: 2.0 with mse, 0.5 with bce)");
        momentum = new DoubleParam(this, "momentum", "SGD momentum in [0, 1)");
        batchSize = new IntParam(this, "batchSize", "rows per global mini-batch");
        epochs = new IntParam(this, "epochs", "passes over the data");
        seed = new LongParam(this, "seed", "seed of the initial weights, the shuffle and the partitioning");
        backend = new Param<>(this, "backend", "Nabla backend id on the executors and the driver (cpu, reference, nd4j, ...)");
        threads = new IntParam(this, "threads", "backend threads per task (0: spark.task.cpus)");
        mode = new Param<>(this, "mode", "sync (gradient sums every step) or average (parameter averaging every averageSteps steps)");
        averageSteps = new IntParam(this, "averageSteps", "local steps between two averages in average mode");
        numPartitions = new IntParam(this, "numPartitions", "partitions of the training rows (0: Spark's default parallelism)");
        dtype = new Param<>(this, "dtype", "float32 or float64");
        validationFraction = new DoubleParam(this, "validationFraction",
                "a seeded random fraction of the rows held out and evaluated after every epoch (0: none)");
        featuresCol = new Param<>(this, "featuresCol", "features column: Vector or array<float|double>");
        labelCol = new Param<>(this, "labelCol", "label column: class index, one-hot or target Vector/array");
        predictionCol = new Param<>(this, "predictionCol", "prediction column the model adds (argmax class, or 0/1 with one output)");
        outputCol = new Param<>(this, "outputCol", "column of the network's outputs (a Vector) the model adds");
        setDefault(loss, "mse");
        setDefault(momentum, 0.0);
        setDefault(batchSize, 64);
        setDefault(epochs, 20);
        setDefault(seed, 42L);
        setDefault(backend, SparkTraining.DEFAULT_BACKEND);
        setDefault(threads, 0);
        setDefault(mode, "sync");
        setDefault(averageSteps, 8);
        setDefault(numPartitions, 0);
        setDefault(dtype, "float32");
        setDefault(validationFraction, 0.0);
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(outputCol, "outputs");
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * The param {@code layers}: layer sizes: inputs, hidden..., outputs.
     *
     * @return the param
     */
    public IntArrayParam layers() {
        return layers;
    }

    /**
     * The param {@code loss}: mse or bce.
     *
     * @return the param
     */
    public Param<String> loss() {
        return loss;
    }

    /**
     * The param {@code learningRate}: SGD step size (default: 2.0 with mse, 0.5 with bce).
     *
     * @return the param
     */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /**
     * The param {@code momentum}: SGD momentum in [0, 1).
     *
     * @return the param
     */
    public DoubleParam momentum() {
        return momentum;
    }

    /**
     * The param {@code batchSize}: rows per global mini-batch.
     *
     * @return the param
     */
    public IntParam batchSize() {
        return batchSize;
    }

    /**
     * The param {@code epochs}: passes over the data.
     *
     * @return the param
     */
    public IntParam epochs() {
        return epochs;
    }

    /**
     * The param {@code seed}: seed of the initial weights, the shuffle and the partitioning.
     *
     * @return the param
     */
    public LongParam seed() {
        return seed;
    }

    /**
     * The param {@code backend}: Nabla backend id on the executors and the driver (cpu, reference, nd4j, ...).
     *
     * @return the param
     */
    public Param<String> backend() {
        return backend;
    }

    /**
     * The param {@code threads}: backend threads per task (0: spark.task.cpus).
     *
     * @return the param
     */
    public IntParam threads() {
        return threads;
    }

    /**
     * The param {@code mode}: sync (gradient sums every step) or average (parameter averaging every averageSteps steps).
     *
     * @return the param
     */
    public Param<String> mode() {
        return mode;
    }

    /**
     * The param {@code averageSteps}: local steps between two averages in average mode.
     *
     * @return the param
     */
    public IntParam averageSteps() {
        return averageSteps;
    }

    /**
     * The param {@code numPartitions}: partitions of the training rows (0: Spark's default parallelism).
     *
     * @return the param
     */
    public IntParam numPartitions() {
        return numPartitions;
    }

    /**
     * The param {@code dtype}: float32 or float64.
     *
     * @return the param
     */
    public Param<String> dtype() {
        return dtype;
    }

    /**
     * The param {@code validationFraction}: a seeded random fraction of the rows held out and evaluated after every epoch (0: none).
     *
     * @return the param
     */
    public DoubleParam validationFraction() {
        return validationFraction;
    }

    /**
     * The param {@code featuresCol}: features column: Vector or array&lt;float|double&gt;.
     *
     * @return the param
     */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /**
     * The param {@code labelCol}: label column: class index, one-hot or target Vector/array.
     *
     * @return the param
     */
    public Param<String> labelCol() {
        return labelCol;
    }

    /**
     * The param {@code predictionCol}: prediction column the model adds (argmax class, or 0/1 with one output).
     *
     * @return the param
     */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /**
     * The param {@code outputCol}: column of the network's outputs (a Vector) the model adds.
     *
     * @return the param
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * Sets {@link #layers()}.
     *
     * @param sizes the new value
     * @return this estimator
     */
    public NablaEstimator setLayers(int... sizes) {
        set(layers, LayerSizes.validate(sizes.clone()));
        return this;
    }

    /**
     * Sets {@link #loss()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setLoss(String value) {
        set(loss, Loss.parse(value).toString());
        return this;
    }

    /**
     * Sets {@link #learningRate()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setLearningRate(double value) {
        set(learningRate, value);
        return this;
    }

    /**
     * Sets {@link #momentum()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setMomentum(double value) {
        set(momentum, value);
        return this;
    }

    /**
     * Sets {@link #batchSize()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /**
     * Sets {@link #epochs()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setEpochs(int value) {
        set(epochs, value);
        return this;
    }

    /**
     * Sets {@link #seed()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setSeed(long value) {
        set(seed, value);
        return this;
    }

    /**
     * Sets {@link #backend()}.
     *
     * @param id the new value
     * @return this estimator
     */
    public NablaEstimator setBackend(String id) {
        set(backend, id);
        return this;
    }

    /**
     * Sets {@link #threads()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setThreads(int value) {
        set(threads, value);
        return this;
    }

    /**
     * Sets {@link #mode()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setMode(String value) {
        set(mode, SparkTraining.Mode.parse(value).toString());
        return this;
    }

    /**
     * Sets {@link #averageSteps()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setAverageSteps(int value) {
        set(averageSteps, value);
        return this;
    }

    /**
     * Sets {@link #numPartitions()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setNumPartitions(int value) {
        set(numPartitions, value);
        return this;
    }

    /**
     * Sets {@link #dtype()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setDtype(String value) {
        set(dtype, DType.parse(value).toString());
        return this;
    }

    /**
     * Sets {@link #validationFraction()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setValidationFraction(double value) {
        set(validationFraction, value);
        return this;
    }

    /**
     * Sets {@link #featuresCol()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    /**
     * Sets {@link #labelCol()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    /**
     * Sets {@link #predictionCol()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /**
     * Sets {@link #outputCol()}.
     *
     * @param value the new value
     * @return this estimator
     */
    public NablaEstimator setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    private int[] layerSizes() {
        if (!isDefined(layers)) {
            throw new IllegalArgumentException("NablaEstimator needs its layer sizes: setLayers(inputs, hidden..., outputs)");
        }
        return getOrDefault(layers);
    }

    private <T> T value(Param<T> p) {
        return getOrDefault(p);
    }

    private int intValue(Param<Object> p) {
        return (Integer) getOrDefault(p);
    }

    private double doubleValue(Param<Object> p) {
        return (Double) getOrDefault(p);
    }

    /**
     * The SGD settings these params give (checked: positive batch, momentum in [0, 1), ...).
     *
     * @return the settings {@code fit} trains with
     * @throws IllegalArgumentException when a param is out of range
     */
    public TrainingSettings settings() {
        Loss l = Loss.parse(value(loss));
        double lr = isDefined(learningRate) ? doubleValue(learningRate) : TrainingSettings.defaultLearningRate(l);
        return TrainingSettings.builder().learningRate(lr).momentum(doubleValue(momentum))
                .batchSize(intValue(batchSize)).epochs(intValue(epochs)).seed((Long) getOrDefault(seed)).build();
    }

    @Override
    public NablaModel fit(org.apache.spark.sql.Dataset<?> dataset) {
        transformSchema(dataset.schema());
        int[] sizes = layerSizes();
        Loss l = Loss.parse(value(loss));
        DType dt = DType.parse(value(dtype));
        TrainingSettings settings = settings();
        SparkSession session = dataset.sparkSession();
        Dataset all = Columns.collect(dataset.toDF(), value(featuresCol), value(labelCol), sizes[0],
                sizes[sizes.length - 1], dt);
        Dataset train = all;
        Dataset validation = null;
        double fraction = doubleValue(validationFraction);
        if (fraction > 0) {
            HoldOut split = HoldOut.split(all, fraction, settings.seed());
            train = split.train();
            validation = split.validation();
        }
        SparkTraining spark = SparkTraining.on(session).backend(value(backend)).threads(intValue(threads))
                .mode(SparkTraining.Mode.parse(value(mode))).averageSteps(intValue(averageSteps))
                .partitions(intValue(numPartitions)).build();
        try (Backend driver = Backends.create(value(backend));
             Network net = Network.builder().layers(sizes).loss(l).dtype(dt).seed(settings.seed()).build(driver)) {
            TrainingResult result = TrainingRun.builder().settings(settings).validation(validation).engine(spark)
                    .build().fit(net, train);
            NablaModel model = new NablaModel(uid, net.parameters(), dt, l, result.epochs());
            copyValues(model, ParamMap.empty());
            return model.setParent(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.checkFeatures(schema, value(featuresCol));
        Columns.checkLabel(schema, value(labelCol));
        return NablaModel.outputSchema(schema, value(predictionCol), value(outputCol));
    }

    @Override
    public NablaEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * Spark ML's reader of saved estimators (params only).
     *
     * @return a reader
     */
    public static MLReader<NablaEstimator> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads an estimator saved with {@code write().save(path)}.
     *
     * @param path the directory it was saved to (any Hadoop file system)
     * @return the estimator with its saved params
     */
    public static NablaEstimator load(String path) {
        return read().load(path);
    }
}
