package org.fbnet.subject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fbnet.compare.CompareFixture;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubjectLoaderTest extends SparkTestBase {
    @Test
    void loadHoldsOutTheFirstTrainingRowsAndKeepsTestRowsInFileOrder(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        CompareFixture fx = new CompareFixture(List.of("subj01", "subj02"), 40, 5, 1);
        fx.write(spark, root, false);
        SubjectLoader loader = new SubjectLoader(spark, root, 0.05);
        Subject d = loader.load("subj02");
        assertEquals(2, d.validation().size(), "round(40 * 0.05)");
        assertEquals(38, d.train().size());
        assertArrayEquals(new int[] {0, 1}, d.validation().rowIndex());
        assertEquals(2, d.train().rowIndex()[0]);
        assertArrayEquals(fx.lh(1, 0, 0), d.validation().vertices().get(Hemisphere.LH)[0]);
        assertArrayEquals(fx.x(1, 0, 39), d.train().x()[37]);
        assertArrayEquals(fx.rh(1, 0, 39), loader.trainingVertices("subj02", Hemisphere.RH)[37]);
        assertEquals(CompareFixture.LATENT, d.train().latents().lh()[0].length);
        assertFalse(d.test().hasTruth());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, d.test().rowIndex());
        assertArrayEquals(fx.x(1, 1, 4), d.test().x()[4]);
        assertArrayEquals(CompareFixture.ceilings(CompareFixture.LH), d.ceilings().lh());
        assertEquals(4, d.rois().rois().size());
        assertTrue(d.rois().of("subj02", "rh").get(0).isEmpty(), "rh FFA-1 (floc-faces sorts first) is empty in the fixture");
        // The decoder is the saved fMRI PCA: it maps the stored latents back to the PCA reconstruction.
        float[][] back = d.decoders().lh().inverseTransform(new float[][] {d.validation().latents().lh()[0]});
        assertArrayEquals(fx.pca(1, 0).inverseTransform(fx.pca(1, 0).transform(new float[][] {fx.lh(1, 0, 0)}))[0], back[0], 1e-4f);
    }

    @Test
    void aTrainingRowWithoutFmriIsAnInputErrorNamingTheSubjectAndRow(@TempDir java.nio.file.Path tmp) {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj04"), 20, 3, 2).write(spark, root, true, 7);
        InputDataException e = assertThrows(InputDataException.class,
                () -> new SubjectLoader(spark, root, 0.1).trainingVertices("subj04", Hemisphere.LH));
        assertTrue(e.getMessage().contains("subj04") && e.getMessage().contains("training row 7 missing"), e.getMessage());
    }

    @Test
    void aMissingLatentsDatasetNamesTheStageToRun(@TempDir java.nio.file.Path tmp) {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        InputDataException e = assertThrows(InputDataException.class, () -> new SubjectLoader(spark, root, 0.1).load("subj01"));
        assertTrue(e.getMessage().contains("latents") && e.getMessage().contains("fbnet project"), e.getMessage());
    }
}
