package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.pca.GroupPca;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubjectViewsTest {
    static final int K = SharedSpaceSubjects.COMPONENTS;
    static SharedSpaceSubjects data;

    @BeforeAll
    static void generate() {
        data = new SharedSpaceSubjects(3, 400, 9);
    }

    @Test
    void viewsHoldGroupAndOwnLatentsOfTheSameRowsAndTheMeasuredValidationRows() {
        SharedSpaceSubjects.Subject s = data.subjects.get(1);
        SubjectViews v = data.views(1);
        GroupPca.SubjectView lhGroup = data.lhGroup.forSubject(s.name());
        int k = ValidationSplit.validationRows(s.x().length, SharedSpaceSubjects.VALIDATION);
        int row = k + 7; // a training row (the first k are validation rows)
        assertArrayEquals(lhGroup.transform(new float[][] {s.lh()[row]})[0], v.group().train().latents().lh()[row - k], 1e-5f);
        assertArrayEquals(s.lhPca().transform(s.lh()[row]), v.own().train().latents().lh()[row - k], 1e-5f);
        assertEquals((float) data.lhGroup.model().eigenvalues()[2], v.group().eigenvalues().lh()[2]);
        assertEquals((float) s.lhPca().eigenvalues()[2], v.own().eigenvalues().lh()[2]);
        assertEquals(k, v.own().validation().vertices().lh().length);
        assertSame(s.lh()[k - 1], v.group().validation().vertices().lh()[k - 1]);
        assertSame(s.x()[k], v.own().train().x()[0]);
        // The group decoder reconstructs the subject's own vertices (34 of the 36 common ones).
        assertEquals(s.lh()[0].length, v.group().decoders().lh().inverseTransform(new float[][] {new float[K]})[0].length);
    }

    @Test
    void mismatchedRowsAreNamed() {
        SharedSpaceSubjects.Subject s = data.subjects.get(0);
        float[][] fewer = java.util.Arrays.copyOf(s.x(), 10);
        InputDataException e = assertThrows(InputDataException.class, () -> SubjectViews.of(s.name(), fewer,
                new SubjectViews.HemisphereFmri(s.lh(), null, s.lhPca(), data.lhGroup),
                new SubjectViews.HemisphereFmri(s.rh(), null, s.rhPca(), data.rhGroup), 0.1));
        assertTrue(e.getMessage().contains(s.name()) && e.getMessage().contains("lh fMRI rows"), e.getMessage());
    }

    @Test
    void fineTuningFromTheMappedGroupModelStartsAheadOfScratch() {
        NetworkConfig net = new NetworkConfig(SharedSpaceSubjects.INPUT, K, K, 4, 0.02, 0.002, 0.1, 0.01, NetworkConfig.Loss.RACING);
        LionConfig lion = new LionConfig(1e-3, 0.9, 0.99, 1e-3);
        List<SubjectViews> views = new ArrayList<>();
        for (int i = 0; i < data.subjects.size(); i++) views.add(data.views(i));
        FbnetModel pretrained = new FbnetTrainer(net, new TrainerConfig(15, 32, 15, 0.1, 3, 1, lion))
                .fit(views.stream().map(SubjectViews::group).toList());
        FbnetTrainer oneEpoch = new FbnetTrainer(net, new TrainerConfig(1, 32, 1, 0.1, 4, 1, lion));
        for (SubjectViews v : views) {
            FbnetModel tuned = oneEpoch.fit(List.of(v.own()), v.ownParent(pretrained));
            FbnetModel scratch = oneEpoch.fit(List.of(v.own()));
            assertTrue(tuned.best().validationR() > scratch.best().validationR() + 0.1,
                    v.own().name() + ": fine-tuned " + tuned.best() + " vs scratch " + scratch.best());
            assertTrue(tuned.parent().contains("own-PCA basis change"), tuned.parent());
        }
    }
}
