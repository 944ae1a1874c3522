package org.fbnet.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo (4.x, which predates Java records) ship fbnet's serialisable records: they go
 * through Java serialisation instead of Kryo's FieldSerializer, which fails on a record's final
 * fields ("Unable to create serializer FieldSerializer for class ...").
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
