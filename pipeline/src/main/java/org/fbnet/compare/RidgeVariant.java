package org.fbnet.compare;

import java.util.List;
import org.fbnet.baseline.RidgeBaseline;
import org.fbnet.baseline.RidgeConfig;
import org.fbnet.baseline.RidgeModel;

/** The ridge baseline as a comparison variant: one {@link RidgeBaseline} fit per hemisphere, on the image latents. */
public final class RidgeVariant implements Variant {
    public static final String NAME = "ridge";
    private final RidgeConfig config;

    public RidgeVariant(RidgeConfig config) {
        this.config = config;
    }

    @Override public String name() { return NAME; }

    @Override public boolean seeded() { return false; }

    @Override
    public Result fit(SubjectData data, long seed) {
        SubjectData.Rows train = data.train();
        RidgeBaseline ridge = new RidgeBaseline(config);
        RidgeModel lh = ridge.fit(train.x(), train.lh());
        RidgeModel rh = ridge.fit(train.x(), train.rh());
        return new Result(lh.predict(data.validation().x()), rh.predict(data.validation().x()),
                lh.predict(data.test().x()), rh.predict(data.test().x()), List.of());
    }
}
