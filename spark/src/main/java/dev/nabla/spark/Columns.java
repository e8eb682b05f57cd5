package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.tensor.DType;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * DataFrame columns as Nabla's numbers: features from an {@code ml.linalg.Vector} or an
 * array&lt;float|double&gt; column; targets from a class index (one-hot over the outputs; the value
 * itself with one output), a vector or an array (the targets as they are).
 */
final class Columns {
    private Columns() {
    }

    /** Whether {@code type} can hold features (or vector targets). */
    static boolean isVectorLike(DataType type) {
        return type.equals(SQLDataTypes.VectorType()) || (type instanceof ArrayType a
                && (a.elementType().equals(DataTypes.DoubleType) || a.elementType().equals(DataTypes.FloatType)));
    }

    static StructField field(StructType schema, String column, String role) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("the " + role + " column '" + column + "' is not in the data (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        return schema.apply(column);
    }

    static void checkFeatures(StructType schema, String column) {
        DataType type = field(schema, column, "features").dataType();
        if (!isVectorLike(type)) {
            throw new IllegalArgumentException("the features column '" + column + "' is " + type.simpleString()
                    + ": it must be a vector (ml.linalg.Vector) or an array of float or double");
        }
    }

    static void checkLabel(StructType schema, String column) {
        DataType type = field(schema, column, "label").dataType();
        if (!(type instanceof NumericType) && !isVectorLike(type)) {
            throw new IllegalArgumentException("the label column '" + column + "' is " + type.simpleString()
                    + ": it must be a number (a class index), a vector or an array of float or double");
        }
    }

    /** The values of a vector-like cell. */
    static double[] values(Row row, int index, String column) {
        if (row.isNullAt(index)) {
            throw new IllegalArgumentException("a row has no value (null) in column '" + column + "'");
        }
        Object cell = row.get(index);
        if (cell instanceof Vector v) {
            return v.toArray();
        }
        List<Object> list = row.getList(index);
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (v == null) {
                throw new IllegalArgumentException("an array in column '" + column + "' holds a null");
            }
            out[i] = ((Number) v).doubleValue();
        }
        return out;
    }

    /** How a row becomes [inputs..., targets...]; runs on the executors. */
    static final class Packer implements Serializable {
        private static final long serialVersionUID = 1L;
        final String featuresCol;
        final String labelCol;
        final int inputs;
        final int outputs;
        final boolean numericLabel;

        Packer(StructType schema, String featuresCol, String labelCol, int inputs, int outputs) {
            checkFeatures(schema, featuresCol);
            checkLabel(schema, labelCol);
            this.featuresCol = featuresCol;
            this.labelCol = labelCol;
            this.inputs = inputs;
            this.outputs = outputs;
            this.numericLabel = schema.apply(labelCol).dataType() instanceof NumericType;
        }

        /** Features then targets; the row holds the features column at 0 and the label at 1. */
        double[] pack(Row row) {
            double[] x = values(row, 0, featuresCol);
            if (x.length != inputs) {
                throw new IllegalArgumentException("a row has " + x.length + " features in '" + featuresCol
                        + "' but the network takes " + inputs + " (the first of its layers)");
            }
            double[] out = Arrays.copyOf(x, inputs + outputs);
            if (numericLabel) {
                if (row.isNullAt(1)) {
                    throw new IllegalArgumentException("a row has no label (null) in '" + labelCol + "'");
                }
                double label = ((Number) row.get(1)).doubleValue();
                if (outputs == 1) {
                    out[inputs] = label;
                } else {
                    if (label != Math.rint(label) || label < 0 || label >= outputs) {
                        throw new IllegalArgumentException("label " + label + " in '" + labelCol + "' is not a class "
                                + "index in 0.." + (outputs - 1) + " (the network has " + outputs + " outputs)");
                    }
                    out[inputs + (int) label] = 1;
                }
            } else {
                double[] y = values(row, 1, labelCol);
                if (y.length != outputs) {
                    throw new IllegalArgumentException("a row has " + y.length + " targets in '" + labelCol
                            + "' but the network has " + outputs + " outputs");
                }
                System.arraycopy(y, 0, out, inputs, outputs);
            }
            for (double v : out) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("a row holds " + v + " in '" + featuresCol + "' or '"
                            + labelCol + "'");
                }
            }
            return out;
        }
    }

    /**
     * The rows of {@code df} as a data set on the driver, in {@code dtype}: converted on the
     * executors, then streamed in one partition at a time, so the driver holds the compact arrays and
     * one partition's rows, never a list of Row objects.
     */
    static Dataset collect(org.apache.spark.sql.Dataset<Row> df, String featuresCol, String labelCol, int inputs,
                           int outputs, DType dtype) {
        Packer packer = new Packer(df.schema(), featuresCol, labelCol, inputs, outputs);
        JavaRDD<double[]> packed = df.select(featuresCol, labelCol).javaRDD().map(packer::pack);
        long count = packed.count();
        if (count == 0) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        if (count * Math.max(inputs, outputs) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " rows of " + inputs + " features do not fit in one Java array");
        }
        int rows = (int) count;
        Iterator<double[]> it = packed.toLocalIterator();
        if (dtype == DType.FLOAT64) {
            double[] x = new double[rows * inputs];
            double[] y = new double[rows * outputs];
            for (int r = 0; r < rows; r++) {
                double[] v = it.next();
                System.arraycopy(v, 0, x, r * inputs, inputs);
                System.arraycopy(v, inputs, y, r * outputs, outputs);
            }
            return new Dataset(rows, inputs, outputs, x, y);
        }
        float[] x = new float[rows * inputs];
        float[] y = new float[rows * outputs];
        for (int r = 0; r < rows; r++) {
            double[] v = it.next();
            for (int i = 0; i < inputs + outputs; i++) {
                if (Float.isInfinite((float) v[i])) {
                    throw new IllegalArgumentException("a row holds " + v[i] + " in '" + featuresCol + "' or '"
                            + labelCol + "', beyond float32 (train in float64, or scale the data)");
                }
            }
            for (int i = 0; i < inputs; i++) {
                x[r * inputs + i] = (float) v[i];
            }
            for (int o = 0; o < outputs; o++) {
                y[r * outputs + o] = (float) v[inputs + o];
            }
        }
        return new Dataset(rows, inputs, outputs, x, y);
    }
}
