package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.HadoopConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Spot checks against published outputs of the real openai/clip-vit-base-patch32 (CLIP-SPEC.md section 8,
 * from Bumblebee's test suite). Runs only when FBNET_CLIP_MODEL names a folder holding the real weights,
 * which cannot be downloaded on our build machines: there it is skipped.
 */
@EnabledIfEnvironmentVariable(named = "FBNET_CLIP_MODEL", matches = ".+")
class ClipRealWeightsTest {
    @Test
    void constantInputMatchesPublishedHiddenStatesAndPooledOutput() throws Exception {
        ClipModel m = ClipModel.load(new Path(System.getenv("FBNET_CLIP_MODEL")), HadoopConf.create());
        assertEquals(ClipVisionConfig.VIT_B_32, m.vision().config());
        float[] px = new float[3 * 224 * 224];
        Arrays.fill(px, 0.5f);
        ClipVisionModel.Output o = m.vision().forward(px, 1, false);
        double[][] want = {{0.3465, -0.3939, -0.5297}, {0.3588, -0.2529, -0.5606}, {0.3958, -0.2688, -0.5367}};
        for (int t = 0; t < 3; t++) {
            for (int d = 0; d < 3; d++) assertEquals(want[t][d], o.lastHiddenState().getDouble(0, t + 1, d + 1), 1e-4);
        }
        double[] pooled = {0.3602, 0.3658, -0.2337};
        for (int d = 0; d < 3; d++) assertEquals(pooled[d], o.pooled().getDouble(0, d + 1), 1e-4);
    }
}
