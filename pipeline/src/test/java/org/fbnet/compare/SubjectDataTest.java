package org.fbnet.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fbnet.data.InputDataException;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubjectDataTest extends SparkTestBase {
    @Test
    void loadHoldsOutTheFirstTrainingRowsAndKeepsTestRowsInFileOrder(@TempDir java.nio.file.Path tmp) {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        CompareFixture fx = new CompareFixture(List.of("subj01", "subj02"), 40, 5, 1);
        fx.write(spark, root, false);
        assertEquals(List.of("subj01", "subj02"), SubjectData.subjects(spark, root));
        SubjectData d = SubjectData.load(spark, root, "subj02", 0.05);
        assertEquals(2, d.validation().size(), "round(40 * 0.05)");
        assertEquals(38, d.train().size());
        assertArrayEquals(new int[] {0, 1}, d.validation().rowIndex());
        assertEquals(2, d.train().rowIndex()[0]);
        assertArrayEquals(fx.lh[1][0][0], d.validation().lh()[0]);
        assertArrayEquals(fx.x[1][0][39], d.train().x()[37]);
        assertArrayEquals(fx.rh[1][0][39], d.train().rh()[37]);
        assertEquals(CompareFixture.LATENT, d.train().lhLatent()[0].length);
        assertFalse(d.test().hasTruth());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, d.test().rowIndex());
        assertArrayEquals(fx.x[1][1][4], d.test().x()[4]);
        assertArrayEquals(CompareFixture.ceilings(CompareFixture.LH), d.lhCeiling());
        assertEquals(4, d.rois().rois().size());
        assertTrue(d.rois().of("subj02", "rh").get(0).isEmpty(), "rh FFA-1 (floc-faces sorts first) is empty in the fixture");
    }

    @Test
    void aTrainingRowWithoutFmriIsAnInputErrorNamingTheSubject(@TempDir java.nio.file.Path tmp) {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj04"), 20, 3, 2).write(spark, root, true, 7);
        InputDataException e = assertThrows(InputDataException.class, () -> SubjectData.load(spark, root, "subj04", 0.1));
        assertTrue(e.getMessage().contains("subj04") && e.getMessage().contains("fMRI exists for 19 of 20 rows"), e.getMessage());
    }

    @Test
    void aMissingLatentsDatasetNamesTheStageToRun(@TempDir java.nio.file.Path tmp) {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        InputDataException e = assertThrows(InputDataException.class, () -> SubjectData.load(spark, root, "subj01", 0.1));
        assertTrue(e.getMessage().contains("latents") && e.getMessage().contains("fbnet project"), e.getMessage());
    }
}
