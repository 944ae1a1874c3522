package org.fbnet.train;

import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.pca.GroupPca;
import org.fbnet.pca.PcaModel;

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
public record SubjectViews(SubjectData group, SubjectData own, LatentSpaceMap lhToOwn, LatentSpaceMap rhToOwn) {

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
        SubjectData group = new SubjectData(subject, x, view(lh, lhGroup.transform(lh.vertices()), lhGroup.eigenvalues(), lhGroup::inverseTransform, k),
                view(rh, rhGroup.transform(rh.vertices()), rhGroup.eigenvalues(), rhGroup::inverseTransform, k));
        SubjectData own = new SubjectData(subject, x, view(lh, lh.own().transform(lh.vertices()), lh.own().eigenvalues(), lh.own()::inverseTransform, k),
                view(rh, rh.own().transform(rh.vertices()), rh.own().eigenvalues(), rh.own()::inverseTransform, k));
        return new SubjectViews(group, own, LatentSpaceMap.between(lhGroup::inverseTransform, lhGroup.components(), lh.own()),
                LatentSpaceMap.between(rhGroup::inverseTransform, rhGroup.components(), rh.own()));
    }

    /** The parent to fine-tune {@link #own} from: a model pre-trained on group views, in this subject's own basis. */
    public FbnetModel ownParent(FbnetModel pretrainedOnGroup) {
        return BasisChange.toOwnSpace(pretrainedOnGroup, own.subject(), lhToOwn, rhToOwn, own.eigenvalues());
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

    private static HemisphereData view(HemisphereFmri h, float[][] latents, double[] eigenvalues, BrainDecoder decoder, int validationRows) {
        float[] e = new float[eigenvalues.length];
        for (int i = 0; i < e.length; i++) e[i] = (float) eigenvalues[i];
        return new HemisphereData(latents, e, decoder, java.util.Arrays.copyOf(h.vertices(), validationRows), h.noiseCeilings());
    }
}
