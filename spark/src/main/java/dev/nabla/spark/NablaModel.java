package dev.nabla.spark;

import dev.nabla.data.Features;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.EpochReport;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A trained Nabla network as a Spark ML {@link Model}: {@link #transform} adds the network's
 * outputs (a Vector column) and a prediction (the argmax class; with one output, 1 when it is at
 * least 0.5, else 0), computed on the executors in batches on the model's backend.
 * {@code model.write().save(path)} stores Spark ML's metadata (the params) beside
 * {@code data/model.safetensors}, a Nabla model file that {@code nabla eval} / {@code nabla predict}
 * and {@code ModelFile.read} open as they are.
 */
public final class NablaModel extends Model<NablaModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** Where the network lives inside a saved model's directory. */
    public static final String DATA_FILE = "data/model.safetensors";
    private static final int PREDICT_BATCH = 512;

    /** This stage's unique id. */
    private final String uid;
    /** The trained weights and biases. */
    private final Parameters parameters;
    /** The network's dtype. */
    private final DType dtype;
    /** The network's loss. */
    private final Loss loss;
    private final transient List<EpochReport> history;
    /** The param {@code featuresCol}. */
    private final Param<String> featuresCol;
    /** The param {@code predictionCol}. */
    private final Param<String> predictionCol;
    /** The param {@code outputCol}. */
    private final Param<String> outputCol;
    /** The param {@code backend}. */
    private final Param<String> backend;
    /** The param {@code threads}. */
    private final IntParam threads;

    NablaModel(String uid, Parameters parameters, DType dtype, Loss loss, List<EpochReport> history) {
        this.uid = uid;
        this.parameters = parameters.copy();
        this.dtype = dtype;
        this.loss = loss;
        this.history = history == null ? List.of() : List.copyOf(history);
        featuresCol = new Param<>(this, "featuresCol", "features column: Vector or array<float|double>");
        predictionCol = new Param<>(this, "predictionCol", "prediction column (argmax class, or 0/1 with one output)");
        outputCol = new Param<>(this, "outputCol", "column of the network's outputs (a Vector)");
        backend = new Param<>(this, "backend", "Nabla backend id the executors predict on");
        threads = new IntParam(this, "threads", "backend threads per task (0: spark.task.cpus)");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(outputCol, "outputs");
        setDefault(backend, SparkTraining.DEFAULT_BACKEND);
        setDefault(threads, 0);
    }

    /**
     * A model holding {@code parameters} (e.g. read from a Nabla model file), with a random uid and
     * the default params.
     *
     * @param parameters the network's weights and biases (copied)
     * @param dtype      the dtype its network computes in
     * @param loss       the loss it was trained with
     * @return the model
     */
    public static NablaModel of(Parameters parameters, DType dtype, Loss loss) {
        return new NablaModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("nabla"), parameters, dtype,
                loss, null);
    }

    @Override
    public String uid() {
        return uid;
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
     * The param {@code predictionCol}: prediction column (argmax class, or 0/1 with one output).
     *
     * @return the param
     */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /**
     * The param {@code outputCol}: column of the network's outputs (a Vector).
     *
     * @return the param
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * The param {@code backend}: Nabla backend id the executors predict on.
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
     * Sets {@link #featuresCol()}.
     *
     * @param value the new value
     * @return this model
     */
    public NablaModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    /**
     * Sets {@link #predictionCol()}.
     *
     * @param value the new value
     * @return this model
     */
    public NablaModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /**
     * Sets {@link #outputCol()}.
     *
     * @param value the new value
     * @return this model
     */
    public NablaModel setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    /**
     * Sets {@link #backend()}.
     *
     * @param id the new value
     * @return this model
     */
    public NablaModel setBackend(String id) {
        set(backend, id);
        return this;
    }

    /**
     * Sets {@link #threads()}.
     *
     * @param value the new value
     * @return this model
     */
    public NablaModel setThreads(int value) {
        set(threads, value);
        return this;
    }

    /**
     * A copy of the trained weights.
     *
     * @return the weights and biases, per layer
     */
    public Parameters parameters() {
        return parameters.copy();
    }

    /**
     * The network's layer sizes.
     *
     * @return inputs, hidden sizes, outputs
     */
    public int[] layers() {
        return parameters.sizes();
    }

    /**
     * The dtype the network computes in.
     *
     * @return float32 or float64
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The loss the network was trained with.
     *
     * @return mse or bce
     */
    public Loss loss() {
        return loss;
    }

    /**
     * The epochs of the training run that made this model.
     *
     * @return one report per epoch; empty for a loaded model
     */
    public List<EpochReport> history() {
        return history == null ? List.of() : history;
    }

    /**
     * A network on {@code backend} holding these weights; the caller closes it.
     *
     * @param backend the backend the network computes on
     * @return a new network
     */
    public Network toNetwork(Backend backend) {
        return new Network(backend, dtype, loss, parameters);
    }

    /**
     * The model as a Nabla model file (safetensors).
     *
     * @return the file's bytes, as {@code ModelFile.read} reads them
     */
    public byte[] toSafetensors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelFile.write(out, parameters, dtype, loss);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static StructType outputSchema(StructType schema, String predictionCol, String outputCol) {
        for (String c : new String[] {predictionCol, outputCol}) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("the output column '" + c + "' is already in the data");
            }
        }
        if (predictionCol.equals(outputCol)) {
            throw new IllegalArgumentException("the prediction and output columns are both '" + outputCol + "'");
        }
        return schema.add(new StructField(outputCol, SQLDataTypes.VectorType(), false,
                org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(predictionCol, DataTypes.DoubleType, false,
                        org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.checkFeatures(schema, getOrDefault(featuresCol));
        return outputSchema(schema, getOrDefault(predictionCol), getOrDefault(outputCol));
    }

    @Override
    public org.apache.spark.sql.Dataset<Row> transform(org.apache.spark.sql.Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        int[] sizes = parameters.sizes();
        WorkerSpec spec = new WorkerSpec(getOrDefault(backend), (Integer) getOrDefault(threads), dtype, sizes, loss,
                1, 0);
        Broadcast<Weights> weights = sc.broadcast(Weights.of(parameters, dtype, null)); // one per transform, read per executor
        int featureIndex = Arrays.asList(dataset.schema().fieldNames()).indexOf(getOrDefault(featuresCol));
        String column = getOrDefault(featuresCol);
        MapPartitionsFunction<Row, Row> predict = rows -> new Predictions(spec, weights, featureIndex, column, rows);
        return dataset.toDF().mapPartitions(predict, Encoders.row(out));
    }

    /** One partition's rows with the outputs and prediction appended, computed PREDICT_BATCH rows at a time. */
    private static final class Predictions implements Iterator<Row> {
        private final WorkerSpec spec;
        private final Broadcast<Weights> weights;
        private final int featureIndex;
        private final String column;
        private final Iterator<Row> rows;
        private final List<Row> pending = new ArrayList<>();
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Predictions(WorkerSpec spec, Broadcast<Weights> weights, int featureIndex, String column, Iterator<Row> rows) {
            this.spec = spec;
            this.weights = weights;
            this.featureIndex = featureIndex;
            this.column = column;
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            if (next < ready.size()) {
                return true;
            }
            ready.clear();
            next = 0;
            pending.clear();
            while (pending.size() < PREDICT_BATCH && rows.hasNext()) {
                pending.add(rows.next());
            }
            if (pending.isEmpty()) {
                return false;
            }
            predict();
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.get(next++);
        }

        private void predict() {
            int inputs = spec.sizes()[0];
            int outputs = spec.sizes()[spec.sizes().length - 1];
            int n = pending.size();
            double[] x = new double[n * inputs];
            for (int r = 0; r < n; r++) {
                double[] v = Columns.values(pending.get(r), featureIndex, column);
                if (v.length != inputs) {
                    throw new IllegalArgumentException("a row has " + v.length + " features in '" + column
                            + "' but the network " + LayerSizes.format(spec.sizes()) + " takes " + inputs);
                }
                System.arraycopy(v, 0, x, r * inputs, inputs);
            }
            double[] y;
            Worker w = Workers.borrow(spec);
            boolean ok = false;
            try {
                w.setWeights(weights.value());
                y = w.net.predict(new Features(n, inputs, x), PREDICT_BATCH);
                ok = true;
            } finally {
                if (ok) {
                    Workers.giveBack(w);
                } else {
                    Workers.drop(w);
                }
            }
            for (int r = 0; r < n; r++) {
                double[] o = Arrays.copyOfRange(y, r * outputs, (r + 1) * outputs);
                double prediction;
                if (outputs == 1) {
                    prediction = o[0] >= 0.5 ? 1 : 0;
                } else {
                    int best = 0;
                    for (int k = 1; k < outputs; k++) {
                        if (o[k] > o[best]) {
                            best = k;
                        }
                    }
                    prediction = best;
                }
                Row in = pending.get(r);
                Object[] values = new Object[in.size() + 2];
                for (int i = 0; i < in.size(); i++) {
                    values[i] = in.get(i);
                }
                values[in.size()] = Vectors.dense(o);
                values[in.size() + 1] = prediction;
                ready.add(RowFactory.create(values));
            }
        }
    }

    @Override
    public NablaModel copy(ParamMap extra) {
        NablaModel copy = new NablaModel(uid, parameters, dtype, loss, history);
        copyValues(copy, extra);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /**
     * Spark ML's reader of saved models.
     *
     * @return a reader
     */
    public static MLReader<NablaModel> read() {
        return new Reader();
    }

    /**
     * Loads a model saved with {@code write().save(path)}.
     *
     * @param path the directory it was saved to (any Hadoop file system)
     * @return the model
     */
    public static NablaModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final NablaModel model;

        Writer(NablaModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            Path file = new Path(path, DATA_FILE);
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                try (FSDataOutputStream out = fs.create(file, true)) {
                    out.write(model.toSafetensors());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }

    private static final class Reader extends MLReader<NablaModel> {
        @Override
        public NablaModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    NablaModel.class.getName());
            Path file = new Path(path, DATA_FILE);
            byte[] bytes;
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                long size = fs.getFileStatus(file).getLen();
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(file + " is " + size + " bytes, more than a model file can be");
                }
                bytes = new byte[(int) size];
                try (FSDataInputStream in = fs.open(file)) {
                    in.readFully(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            ModelFile.Model m = ModelFile.parse(bytes, file.toString());
            NablaModel model = new NablaModel(metadata.uid(), m.parameters(), m.dtype(),
                    m.loss() != null ? m.loss() : Loss.MSE, null);
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
