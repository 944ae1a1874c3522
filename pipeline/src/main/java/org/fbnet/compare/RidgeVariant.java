package org.fbnet.compare;

import java.util.List;
import org.fbnet.baseline.RidgeBaseline;
import org.fbnet.baseline.RidgeConfig;
import org.fbnet.baseline.RidgeModel;
import org.fbnet.data.Hemisphere;
import org.fbnet.subject.Subject;

/**
 * The ridge baseline as a comparison variant: one {@link RidgeBaseline} fit per hemisphere from the image
 * latents straight to vertex space, reading one hemisphere's training responses at a time.
 */
public final class RidgeVariant implements Variant {
    public static final String NAME = "ridge";
    private final RidgeConfig config;

    public RidgeVariant(RidgeConfig config) {
        this.config = config;
    }

    @Override public String name() { return NAME; }

    @Override public boolean seeded() { return false; }

    @Override
    public Result fit(Subject s, TrainingVertices vertices, long seed) throws Exception {
        RidgeBaseline ridge = new RidgeBaseline(config);
        float[][][] val = new float[2][][], test = new float[2][][];
        for (Hemisphere h : Hemisphere.values()) {
            RidgeModel m = ridge.fit(s.train().x(), vertices.of(h));
            val[h.ordinal()] = m.predict(s.validation().x());
            test[h.ordinal()] = m.predict(s.test().x());
        }
        return new Result(val[0], val[1], test[0], test[1], List.of());
    }
}
