package org.fbnet.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * fbnet's Kryo registrations, applied after ND4J's own {@code org.nd4j.kryo.Nd4jRegistrator}:
 * <ul>
 * <li>Java records go through Java serialisation: Spark's Kryo (4.x) predates records and its
 * FieldSerializer fails on their final fields ("Unable to create serializer FieldSerializer for class ...").</li>
 * <li>Java's immutable collections ({@code List.of}, {@code Map.copyOf}, ...) go through Java serialisation:
 * Kryo's CollectionSerializer rebuilds a collection by adding to a new instance of its class, which these
 * refuse; DL4J's graph configuration holds such lists (our layers' regularization), so a model broadcast to a
 * real executor failed to deserialise ({@code UnsupportedOperationException} in {@code ImmutableCollections}).</li>
 * <li>ND4J arrays go through {@link NdArrayKryoSerializer}, which copies their bytes in bulk; ND4J's own
 * serializer writes one element at a time, and dl4j-spark ships the whole model (40M parameters for
 * F-BNet) to every worker and back each averaging round.</li>
 * </ul>
 */
public final class FbnetKryoRegistrator implements KryoRegistrator {
    private static final String[] IMMUTABLE_COLLECTIONS = {"List12", "ListN", "Set12", "SetN", "Map1", "MapN"};

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
        for (String c : IMMUTABLE_COLLECTIONS) {
            try {
                kryo.register(Class.forName("java.util.ImmutableCollections$" + c), new JavaSerializer());
            } catch (ClassNotFoundException e) {
                // not in this JDK's implementation: nothing of that class can reach Kryo
            }
        }
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new NdArrayKryoSerializer());
    }
}
