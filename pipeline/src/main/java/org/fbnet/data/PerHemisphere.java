package org.fbnet.data;

import java.io.Serializable;
import java.util.function.Function;

/** One value per hemisphere, looked up by {@link Hemisphere}: what would otherwise be an lh/rh pair of fields. */
public record PerHemisphere<T>(T lh, T rh) implements Serializable {
    public T get(Hemisphere h) { return h == Hemisphere.LH ? lh : rh; }

    public static <T> PerHemisphere<T> of(Function<Hemisphere, T> f) {
        return new PerHemisphere<>(f.apply(Hemisphere.LH), f.apply(Hemisphere.RH));
    }

    public <U> PerHemisphere<U> map(Function<T, U> f) {
        return new PerHemisphere<>(f.apply(lh), f.apply(rh));
    }
}
