package org.fbnet.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * JUnit extension that makes DOUBLE ND4J's default data type for the tests of one class and restores
 * the previous default afterwards: gradient checks and 1e-12 comparisons need double precision, and
 * the default is global, shared with the other test classes of the JVM.
 * <p>Use: {@code @ExtendWith(DoublePrecision.class)} on the test class.
 */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DoublePrecision.class);
    private static final String SAVED = "savedDefault";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(SAVED, Nd4j.dataType());
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        DataType saved = context.getStore(NAMESPACE).get(SAVED, DataType.class);
        Nd4j.setDefaultDataTypes(saved, saved);
    }
}
