package dev.nabla.benchmarks;

import dev.nabla.bench.SyntheticBatch;
import dev.nabla.bench.TrainingStep;
import dev.nabla.bench.Workload;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.DType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The peer: the same network trained by DL4J's {@link MultiLayerNetwork}. Dense sigmoid layers, a
 * sigmoid output layer with MSE loss, plain SGD at {@link dev.nabla.bench.SgdStep#LEARNING_RATE},
 * the same initial weights (copied from Nabla's Xavier draw) and the same resident batch. One step
 * is one {@link MultiLayerNetwork#fit(INDArray, INDArray)}: forward, loss, backward, update.
 *
 * <p>DL4J's MSE divides by the output count as well as the batch, so its loss values differ from
 * Nabla's by that constant; the work per step is the same.
 */
final class Dl4jStep implements TrainingStep {
    private final Workload workload;
    private final MultiLayerNetwork network;
    private final INDArray features;
    private final INDArray labels;
    private final String description;

    Dl4jStep(Workload workload, Dl4jThreads threads) {
        this.workload = workload;
        DataType dataType = workload.dtype() == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
        int[] sizes = workload.sizes();
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(SyntheticBatch.SEED)
                .dataType(dataType)
                .updater(new Sgd(dev.nabla.bench.SgdStep.LEARNING_RATE))
                .list();
        for (int l = 0; l + 1 < sizes.length; l++) {
            boolean output = l + 2 == sizes.length;
            layers.layer(output
                    ? new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                            .nIn(sizes[l]).nOut(sizes[l + 1]).activation(Activation.SIGMOID).build()
                    : new DenseLayer.Builder()
                            .nIn(sizes[l]).nOut(sizes[l + 1]).activation(Activation.SIGMOID).build());
        }
        MultiLayerConfiguration conf = layers.build();
        network = new MultiLayerNetwork(conf);
        network.init();
        copyWeights(Parameters.xavierUniform(SyntheticBatch.SEED, sizes), dataType);

        SyntheticBatch batch = SyntheticBatch.of(workload);
        features = Nd4j.create(batch.features(), new long[] {workload.batch(), workload.inputs()}, 'c')
                .castTo(dataType);
        labels = Nd4j.create(batch.targets(), new long[] {workload.batch(), workload.outputs()}, 'c')
                .castTo(dataType);
        description = "DL4J MultiLayerNetwork " + Dl4jThreads.versions() + ", " + threads.describe();
    }

    /** Nabla's weights are [out, in]; DL4J's "W" is [in, out]. */
    private void copyWeights(Parameters p, DataType dataType) {
        for (int l = 0; l < p.layers(); l++) {
            INDArray w = Nd4j.create(p.weight(l), new long[] {p.outputs(l), p.inputs(l)}, 'c')
                    .transpose().dup('c').castTo(dataType);
            INDArray b = Nd4j.create(p.bias(l), new long[] {1, p.outputs(l)}, 'c').castTo(dataType);
            network.setParam(l + "_W", w);
            network.setParam(l + "_b", b);
        }
    }

    /** The network's weights of layer {@code l} as Nabla's [out, in] layout, for tests. */
    double[] weight(int l) {
        return network.getParam(l + "_W").transpose().dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    @Override
    public int batch() {
        return workload.batch();
    }

    @Override
    public double run() {
        network.fit(features, labels);
        return network.score();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        features.close();
        labels.close();
        network.close();
    }
}
