package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuickGeluTest {
    /** The definition, in double: x * sigmoid(1.702 x). */
    private static double exact(double x) {
        return x / (1 + Math.exp(-1.702 * x));
    }

    @Test
    void matchesXTimesSigmoidOf1702XWithin2e6RelativeOnADenseGrid() {
        int n = 400_001;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = -20f + 40f * i / (n - 1);
        float[] in = v.clone();
        QuickGelu.applyInPlace(v, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double e = exact(in[i]);
            // relative where the value is of order one or more, absolute near zero and in the negative tail
            double err = Math.abs(v[i] - e) / Math.max(1.0, Math.abs(e));
            worst = Math.max(worst, err);
        }
        assertTrue(worst < 2e-6, "worst error " + worst);
    }

    @Test
    void saturatesToIdentityAndZeroAndKeepsZeroAndNaN() {
        float[] v = {1000f, -1000f, 0f, Float.NaN, 1e-30f};
        QuickGelu.applyInPlace(v, v.length);
        assertEquals(1000f, v[0], 1e-3f);
        assertEquals(0f, v[1], 1e-3f);
        assertEquals(0f, v[2]);
        assertTrue(Float.isNaN(v[3]), "NaN in, NaN out");
        assertEquals(0.5e-30f, v[4], 1e-36f);
    }

    @Test
    void onlyTouchesTheFirstNValues() {
        float[] v = {1f, 2f, 3f};
        QuickGelu.applyInPlace(v, 2);
        assertEquals(3f, v[2]);
        assertEquals(exact(2), v[1], 1e-5);
    }
}
