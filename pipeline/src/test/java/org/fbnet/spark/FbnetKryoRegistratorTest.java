package org.fbnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

/** Spark's Kryo as fbnet's sessions configure it (ND4J's registrator, then fbnet's), without a SparkContext. */
class FbnetKryoRegistratorTest {
    static SerializerInstance kryo() {
        SparkConf conf = new SparkConf(false)
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator," + FbnetKryoRegistrator.class.getName());
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(SerializerInstance ser, T value) {
        ByteBuffer bytes = ser.serialize(value, ClassTag$.MODULE$.AnyRef());
        return (T) ser.deserialize(bytes, ClassTag$.MODULE$.AnyRef());
    }

    static void assertSameArray(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertArrayEquals(expected.shape(), actual.shape());
        assertTrue(expected.equals(actual), "values differ: " + expected + " vs " + actual);
    }

    @Test
    void arraysOfEveryLayoutComeBackWithTheirTypeShapeAndValues() {
        SerializerInstance ser = kryo();
        INDArray f = Nd4j.rand(DataType.FLOAT, 37, 11);
        List<INDArray> arrays = List.of(f, Nd4j.rand(DataType.DOUBLE, 3, 4, 5), Nd4j.rand(DataType.FLOAT, 1, 300_000),
                f.transpose(), f.get(NDArrayIndex.interval(3, 9), NDArrayIndex.interval(2, 7)), f.dup('f'),
                Nd4j.createFromArray(1, 2, 3, -4), Nd4j.createFromArray(5L, -6L), Nd4j.createFromArray(true, false, true),
                Nd4j.scalar(2.5f), Nd4j.empty(DataType.FLOAT), Nd4j.create(DataType.FLOAT, 0, 5));
        for (INDArray a : arrays) assertSameArray(a, roundTrip(ser, a));
    }

    @Test
    void stringArraysAreRefusedWhenWrittenNotWhenRead() {
        // ND4J's own format writes them and fails only on the executor that reads them.
        Exception e = assertThrows(Exception.class, () -> kryo().serialize(Nd4j.create("leak", "noise"), ClassTag$.MODULE$.AnyRef()));
        assertTrue(String.valueOf(e.getMessage()).contains("string arrays") || String.valueOf(e.getCause()).contains("string arrays"), e.toString());
    }

    @Test
    void bulkCopyWritesTheElementsOnceAndNd4jsFormatIsNotSmaller() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 1, 250_000);
        int fbnet = kryo().serialize(a, ClassTag$.MODULE$.AnyRef()).remaining();
        assertTrue(fbnet >= 1_000_000 && fbnet < 1_000_100, "4 bytes per float plus a short header: " + fbnet);
    }

    @Test
    void aModelBroadcastAsDl4jSparkShipsItSurvivesKryo() {
        // DL4J's graph configuration holds List.of(...) (the layers' regularization): Kryo alone cannot rebuild
        // those, and a real executor failed to read the model broadcast until they went through Java serialisation.
        NetworkConfig net = new NetworkConfig(6, 2, 3, 2, 0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
        ComputationGraph g = FbnetNetwork.build(net, new LionConfig(1e-3, 0.9, 0.99, 1e-3), 3);
        NetBroadcastTuple tuple = new NetBroadcastTuple(g.getConfiguration(), g.params(), g.getUpdater().getStateViewArray());
        NetBroadcastTuple back = roundTrip(kryo(), tuple);
        assertSameArray(g.params(), back.getParameters());
        assertSameArray(g.getUpdater().getStateViewArray(), back.getUpdaterState());
        ComputationGraphConfiguration c = back.getGraphConfiguration();
        assertEquals(g.getConfiguration().toJson(), c.toJson());
        assertEquals(Map.of("k", List.of(1, 2)), roundTrip(kryo(), Map.of("k", List.of(1, 2))));
    }
}
