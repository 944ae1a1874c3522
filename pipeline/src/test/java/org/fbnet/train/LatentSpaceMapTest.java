package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.fbnet.pca.GroupPca;
import org.fbnet.pca.PcaModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LatentSpaceMapTest {
    static SharedSpaceSubjects data;

    @BeforeAll
    static void generate() {
        data = new SharedSpaceSubjects(3, 300, 5);
    }

    /** subj02 (lh lacks two common vertices) is the harder case: its group components are restricted. */
    static final int SUBJECT = 1;

    @Test
    void mapIsGroupComponentsAtTheSubjectsVerticesTimesOwnComponents() {
        SharedSpaceSubjects.Subject s = data.subjects.get(SUBJECT);
        GroupPca.SubjectView view = data.lhGroup.forSubject(s.name());
        LatentSpaceMap map = LatentSpaceMap.between(view, view.components(), s.lhPca());

        // Closed form in double: T = G_s U^T, c = (M_s + mu_s - m) U^T, with the subject's mean mu_s
        // recomputed from its fitting rows and G_s, M_s the group's components and mean at its columns.
        PcaModel group = data.lhGroup.model(), own = s.lhPca();
        long[] union = data.lhGroup.fsaverageIndex();
        int[] cols = Arrays.stream(s.lhIds()).map(v -> Arrays.binarySearch(union, (long) v)).toArray();
        int k = SharedSpaceSubjects.COMPONENTS, d = cols.length;
        float[][] rows = s.fitting(s.lh());
        double[] mu = new double[d];
        for (float[] row : rows) for (int j = 0; j < d; j++) mu[j] += row[j] / (double) rows.length;
        double[][] t = map.matrix();
        double[] c = map.offset();
        for (int j = 0; j < k; j++) {
            float[] u = own.component(j);
            double cRef = 0;
            for (int v = 0; v < d; v++) cRef += (group.mean()[cols[v]] + mu[v] - own.mean()[v]) * u[v];
            assertEquals(cRef, c[j], 1e-4, "offset " + j);
            for (int i = 0; i < k; i++) {
                float[] g = group.component(i);
                double tRef = 0;
                for (int v = 0; v < d; v++) tRef += (double) g[cols[v]] * u[v];
                assertEquals(tRef, t[i][j], 2e-5, "T[" + i + "][" + j + "]");
            }
        }
        // Both PCAs centered the subject with the same means, so the spaces share their origin.
        for (int j = 0; j < k; j++) assertEquals(0, c[j], 1e-4, "offset " + j);
        // Cosines of the principal angles between the subspaces: the signal directions (5 channels) are
        // shared, the sixth component is each PCA's own pick of the noise, nearly orthogonal across them
        // (why BasisChange maps the leak with T^T rather than T^-1).
        double[] sv = map.singularValues();
        assertTrue(sv[0] <= 1 + 1e-5 && sv[4] > 0.8 && sv[5] > 0 && sv[5] < 0.2, Arrays.toString(sv));
    }

    @Test
    void transposeIsTheLeastSquaresMapFromOwnToGroupLatentsOnTheFittingRows() {
        for (int i = 0; i < data.subjects.size(); i++) {
            SharedSpaceSubjects.Subject s = data.subjects.get(i);
            GroupPca.SubjectView view = data.rhGroup.forSubject(s.name());
            LatentSpaceMap map = LatentSpaceMap.between(view, view.components(), s.rhPca());
            float[][] rows = s.fitting(s.rh());
            // Independent: ordinary least squares with intercept, own latents -> group latents, in double.
            double[][] beta = leastSquares(s.rhPca().transform(rows), view.transform(rows));
            double[][] t = map.matrix();
            int k = t.length;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) assertEquals(t[b][a], beta[a][b], 1e-3, s.name() + ": LS[" + a + "][" + b + "] vs T^T");
            }
            for (int b = 0; b < k; b++) assertEquals(0, beta[k][b], 1e-3, s.name() + ": intercept " + b);
        }
    }

    @Test
    void applyIsRowsTimesMatrixPlusOffset() {
        LatentSpaceMap m = LatentSpaceMap.of(new double[][] {{1, 2, 0}, {0, -1, 3}}, new double[] {0.5, 0, -1});
        assertArrayEquals(new float[] {2.5f, 3f, 2f}, m.apply(new float[][] {{2, 1}})[0], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> m.apply(new float[][] {{1, 2, 3}}));
        assertThrows(IllegalArgumentException.class, () -> LatentSpaceMap.of(new double[][] {{1, 2}}, new double[] {0}));
    }

    /** beta [(p+1) x q] minimising |[X 1] beta - Y|^2, by the normal equations and Gauss-Jordan elimination. */
    static double[][] leastSquares(float[][] x, float[][] y) {
        int n = x.length, p = x[0].length + 1, q = y[0].length;
        double[][] a = new double[p][p + q];
        for (int r = 0; r < n; r++) {
            double[] xr = new double[p];
            for (int j = 0; j < p - 1; j++) xr[j] = x[r][j];
            xr[p - 1] = 1;
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) a[i][j] += xr[i] * xr[j];
                for (int j = 0; j < q; j++) a[i][p + j] += xr[i] * y[r][j];
            }
        }
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int r = col + 1; r < p; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = 0; r < p; r++) {
                if (r == col) continue;
                double f = a[r][col] / a[col][col];
                for (int j = col; j < p + q; j++) a[r][j] -= f * a[col][j];
            }
        }
        double[][] beta = new double[p][q];
        for (int i = 0; i < p; i++) for (int j = 0; j < q; j++) beta[i][j] = a[i][p + j] / a[i][i];
        return beta;
    }
}
