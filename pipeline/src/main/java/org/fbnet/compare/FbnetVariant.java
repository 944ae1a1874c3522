package org.fbnet.compare;

import java.io.IOException;
import java.util.List;
import org.fbnet.config.Settings;
import org.fbnet.data.InputDataException;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.train.FbnetModel;
import org.fbnet.train.FbnetTrainer;
import org.fbnet.train.HemisphereData;
import org.fbnet.train.TrainerConfig;

/**
 * F-BNet, or one of the paper's ablations, as a comparison variant: the single-JVM trainer on one
 * subject's latents, its brain-latent predictions decoded to vertex space with the subject's fMRI PCA
 * ({@code pca/fmri/subjXX/HEMI} under the output root).
 * <p>Each variant is the network and training settings with a few keys overridden ({@code no-leak}:
 * {@code network.leak.alpha=0}; {@code mse}: {@code network.loss=mse}). The trainer selects its epoch on
 * the same validation rows the comparison scores (both use {@code train.validation.fraction}), so the
 * validation column is optimistic for trained variants, as it is for ridge's CV-chosen alpha; the test
 * column is the unbiased one. Subjects are trained separately (no pre-training on all subjects).
 */
public final class FbnetVariant implements Variant {
    public static final String FBNET = "fbnet", NO_LEAK = "no-leak", MSE = "mse";

    private final String name;
    private final Settings settings;

    /** @param settings the resolved settings with this variant's overrides applied */
    private FbnetVariant(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
    }

    public static FbnetVariant fbnet(Settings s) { return new FbnetVariant(FBNET, s); }

    public static FbnetVariant noLeak(Settings s) { return new FbnetVariant(NO_LEAK, s.with("network.leak.alpha", "0")); }

    public static FbnetVariant mse(Settings s) { return new FbnetVariant(MSE, s.with("network.loss", "mse")); }

    @Override public String name() { return name; }

    @Override public boolean seeded() { return true; }

    @Override
    public Result fit(SubjectData data, long seed) throws IOException {
        String subject = data.subject();
        PcaModel lhPca = fmriPca(data, "lh"), rhPca = fmriPca(data, "rh");
        SubjectData.Rows val = data.validation();
        org.fbnet.train.SubjectData sd = trainingData(data, lhPca, rhPca);
        NetworkConfig network = NetworkConfig.from(settings, sd.inputSize(), lhPca.components(), rhPca.components());
        TrainerConfig config = TrainerConfig.from(settings).withSeed(seed);
        FbnetModel model = new FbnetTrainer(network, config).fit(List.of(sd));
        FbnetModel.Prediction pv = model.predict(val.x(), subject);
        FbnetModel.Prediction pt = data.test().size() == 0 ? new FbnetModel.Prediction(new float[0][], new float[0][])
                : model.predict(data.test().x(), subject);
        return new Result(lhPca.inverseTransform(pv.lh()), rhPca.inverseTransform(pv.rh()),
                lhPca.inverseTransform(pt.lh()), rhPca.inverseTransform(pt.rh()), model.history());
    }

    /**
     * The trainer's view of a subject: all training rows with the validation rows first (the trainer
     * splits them itself), brain latents, PCA eigenvalues and inverse transforms, measured validation
     * vertices and ceilings. The vertex-space training rows are not carried over.
     */
    public static org.fbnet.train.SubjectData trainingData(SubjectData data, PcaModel lhPca, PcaModel rhPca) {
        SubjectData.Rows val = data.validation(), train = data.train();
        if (train.lhLatent() == null || val.lhLatent() == null) throw new InputDataException(data.subject() + ": training rows have no brain latents");
        return new org.fbnet.train.SubjectData(data.subject(), concat(val.x(), train.x()),
                new HemisphereData(concat(val.lhLatent(), train.lhLatent()), floats(lhPca.eigenvalues()), lhPca::inverseTransform,
                        val.lh(), data.lhCeiling()),
                new HemisphereData(concat(val.rhLatent(), train.rhLatent()), floats(rhPca.eigenvalues()), rhPca::inverseTransform,
                        val.rh(), data.rhCeiling()));
    }

    /** The subject's fMRI PCA of one hemisphere from the output root, or a clear error if project has not run. */
    public static PcaModel fmriPca(SubjectData data, String hemi) throws IOException {
        org.apache.hadoop.fs.Path dir = data.root().fmriPca(data.subject(), hemi);
        org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(data.root().conf());
        if (!fs.exists(dir)) {
            if (fs.exists(data.root().fmriPca(org.fbnet.pca.Project.GROUP, hemi))) {
                throw new InputDataException(dir + ": no per-subject fMRI PCA for " + data.subject() + " " + hemi
                        + "; the latents were projected with pca.fmri.space=group, which compare and train do not decode yet:"
                        + " re-run fbnet project with pca.fmri.space=subject");
            }
            throw new InputDataException(dir + ": no fMRI PCA for " + data.subject() + " " + hemi + " (run fbnet project first)");
        }
        return PcaModel.load(dir, data.root().conf());
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
