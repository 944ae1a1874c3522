package org.fbnet.train;

import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.pca.GroupPca;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.Projection;
import org.fbnet.data.PerHemisphere;
import org.fbnet.eval.RoiAtlas;
import org.fbnet.subject.Subject;
import java.util.Arrays;

/**
 * One subject seen both ways {@link BasisChange} needs: {@link #group}, its rows as targets of group
 * pre-training (group PCA latents and eigenvalues, decoded through the subject's view of the group
 * PCA), and {@link #own}, its rows for fine-tuning (own PCA latents, eigenvalues and decoder); both
 * with the same image latents, measured validation vertices and ceilings, so validation r is measured
 * in the subject's vertex space in both phases. {@link #lhToOwn} and {@link #rhToOwn} map group latents
 * to own latents.
 * <p>Use: pre-train with {@code trainer.fit(groupViews)}, then per subject
 * {@code trainer.fit(List.of(v.own()), v.ownParent(pretrained))}.
 */
public record SubjectViews(Subject group, Subject own, LatentSpaceMap lhToOwn, LatentSpaceMap rhToOwn) {

    /**
     * One hemisphere of a subject: its fMRI of every training row (validation rows first, subject's
     * vertex order), per-vertex noise ceilings (fractions, or null), its own PCA and the group PCA it is
     * part of.
     */
    public record HemisphereFmri(float[][] vertices, float[] noiseCeilings, PcaModel own, GroupPca group) { }

    /**
     * Both views of {@code subject}: x holds its image latents, one row per training row in the same
     * order as the fMRI; the first rows {@code validationFraction} defines (as the trainer does) are its
     * validation rows.
     */
    public static SubjectViews of(String subject, float[][] x, HemisphereFmri lh, HemisphereFmri rh, double validationFraction) {
        int k = ValidationSplit.validationRows(x.length, validationFraction);
        GroupPca.SubjectView lhGroup = lh.group().forSubject(subject), rhGroup = rh.group().forSubject(subject);
        check(subject, "lh", lh, x.length);
        check(subject, "rh", rh, x.length);
        Subject group = view(subject, x, lh, rh, lhGroup, rhGroup, k);
        Subject own = view(subject, x, lh, rh, lh.own(), rh.own(), k);
        return new SubjectViews(group, own, LatentSpaceMap.between(lhGroup, lhGroup.components(), lh.own()),
                LatentSpaceMap.between(rhGroup, rhGroup.components(), rh.own()));
    }

    /** The parent to fine-tune {@link #own} from: a model pre-trained on group views, in this subject's own basis. */
    public FbnetModel ownParent(FbnetModel pretrainedOnGroup) {
        return BasisChange.toOwnSpace(pretrainedOnGroup, own.name(), lhToOwn, rhToOwn, own.noiseEigenvalues());
    }

    private static void check(String subject, String hemi, HemisphereFmri h, int rows) {
        if (h.vertices().length != rows) {
            throw new InputDataException(subject + ": " + rows + " image latent rows but " + h.vertices().length + " " + hemi + " fMRI rows");
        }
        int width = h.own().dimension();
        if (h.vertices().length > 0 && h.vertices()[0].length != width) {
            throw new InputDataException(subject + ": " + hemi + " fMRI has " + h.vertices()[0].length + " vertices, its own PCA " + width);
        }
        if (h.noiseCeilings() != null && h.noiseCeilings().length != width) {
            throw new InputDataException(subject + ": " + h.noiseCeilings().length + " " + hemi + " noise ceilings for " + width + " vertices");
        }
    }

    /** The subject with brain latents in one space: validation rows first (with measured vertices), training rows after. */
    private static Subject view(String subject, float[][] x, HemisphereFmri lh, HemisphereFmri rh, Projection lhSpace, Projection rhSpace,
                                int validationRows) {
        int n = x.length;
        float[][] lhLat = lhSpace.transform(lh.vertices()), rhLat = rhSpace.transform(rh.vertices());
        int[] idx = java.util.stream.IntStream.range(0, n).toArray();
        Subject.Rows validation = new Subject.Rows(Arrays.copyOf(idx, validationRows), Arrays.copyOf(idx, validationRows),
                Arrays.copyOf(x, validationRows), new PerHemisphere<>(Arrays.copyOf(lhLat, validationRows), Arrays.copyOf(rhLat, validationRows)),
                new PerHemisphere<>(Arrays.copyOf(lh.vertices(), validationRows), Arrays.copyOf(rh.vertices(), validationRows)));
        Subject.Rows train = new Subject.Rows(Arrays.copyOfRange(idx, validationRows, n), Arrays.copyOfRange(idx, validationRows, n),
                Arrays.copyOfRange(x, validationRows, n),
                new PerHemisphere<>(Arrays.copyOfRange(lhLat, validationRows, n), Arrays.copyOfRange(rhLat, validationRows, n)), null);
        PerHemisphere<float[]> ceilings = lh.noiseCeilings() == null || rh.noiseCeilings() == null ? null
                : new PerHemisphere<>(lh.noiseCeilings(), rh.noiseCeilings());
        return new Subject(subject, train, validation, Subject.Rows.empty(), new PerHemisphere<>(lhSpace, rhSpace),
                new PerHemisphere<>(floats(lhSpace.eigenvalues()), floats(rhSpace.eigenvalues())), ceilings, RoiAtlas.empty());
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
        return f;
    }
}
