package org.fbnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;

class VertexScoresTest {
    @Test
    void pearsonMatchesNumpyCorrcoef() throws Exception {
        Random rnd = new Random(3);
        int n = 40, v = 5;
        float[][] p = new float[n][v], m = new float[n][v];
        StringBuilder ps = new StringBuilder(), ms = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < v; j++) {
                m[i][j] = (float) rnd.nextGaussian();
                p[i][j] = (float) (0.3 * j * m[i][j] + rnd.nextGaussian());
                ps.append(p[i][j]).append(j + 1 < v ? "," : ";");
                ms.append(m[i][j]).append(j + 1 < v ? "," : ";");
            }
        }
        String out = Python.run("import numpy as np,sys\n"
                + "P=np.array([[float(x) for x in r.split(',')] for r in sys.argv[1].strip(';').split(';')])\n"
                + "M=np.array([[float(x) for x in r.split(',')] for r in sys.argv[2].strip(';').split(';')])\n"
                + "print(' '.join(repr(np.corrcoef(P[:,j],M[:,j])[0,1]) for j in range(P.shape[1])))", ps.toString(), ms.toString());
        String[] ref = out.trim().split(" ");
        double[] r = VertexScores.pearson(p, m);
        for (int j = 0; j < v; j++) assertEquals(Double.parseDouble(ref[j]), r[j], 1e-6);
    }

    @Test
    void noiseNormalizedFollowsTheAlgonautsFormula() {
        assertEquals(100 * 0.25 / 0.5, VertexScores.noiseNormalized(0.5, 0.5), 1e-12);
        assertEquals(0.0, VertexScores.noiseNormalized(-0.3, 0.5));
        assertEquals(100.0, VertexScores.noiseNormalized(0.9, 0.5));
        assertEquals(100.0, VertexScores.noiseNormalized(0.01, 0.0));
        assertEquals(0.0, VertexScores.noiseNormalized(0.0, 0.0));
    }
}
