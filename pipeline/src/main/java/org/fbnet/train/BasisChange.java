package org.fbnet.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.layer.LeakInjection;
import org.fbnet.nn.optim.LionConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a network pre-trained on group fMRI PCA latents into one subject's starting point in its OWN
 * fMRI PCA space, by an exact change of basis of everything that lives in brain-latent space.
 * <p><b>The design.</b> F-BNet pre-trains on all subjects and fine-tunes per subject. A subject's own
 * PCA gives component k a different meaning for every subject, so pre-training one pair of heads on
 * concatenated own latents fits targets in unrelated coordinates (on generated subjects sharing one
 * vertex space it scored below training from scratch). Instead pre-training uses a group PCA per
 * hemisphere over all subjects in the common fsaverage space ({@link org.fbnet.pca.GroupPca}), so
 * every subject's targets share coordinates and the trunk and heads learn one shared mapping from
 * 4+ times the rows. Each subject is then fine-tuned in its own PCA (what it is evaluated and
 * decoded with, and the best basis for its own variance), starting from the pre-trained network
 * re-expressed there, with per hemisphere the {@link LatentSpaceMap} T (group to own, [k_g, k_own])
 * and offset c:
 * <ul>
 *   <li>heads: {@code W <- W T}, {@code b <- b T + c}. At inference a head's output is linear in its
 *   input, so the mapped network predicts exactly the group prediction times T plus c: the own-PCA
 *   projection of the group prediction's vertex pattern;</li>
 *   <li>leak projection P (inputs y and z, lh then rh): {@code W_P <- blockdiag(T_lh^T, T_rh^T) W_P},
 *   bias unchanged, so {@code P'(u) = P(u T^T)}. T^T is the least-squares map from own latents to
 *   group latents on the subject's data (see {@link LatentSpaceMap}), i.e. P' sees the group latent
 *   that best explains the own latent it is given. T's exact inverse would do the same only where T
 *   is orthogonal (identical spans, T^-1 = T^T); its singular values are the cosines of the angles
 *   between the own and the group subspaces, and the trailing own components are poorly spanned by
 *   the group's, so T^-1 would scale those directions of y and z up by 1/cos into a bottleneck
 *   trained on group-scale inputs. The offset of the leak's y (group latent of the own mean, zero
 *   when the group centered the subject with its own PCA's mean) cannot be folded into P's bias for
 *   both training and inference, and is dropped;</li>
 *   <li>structured noise: the group eigenvalues in pre-training (z has the scale of the targets it
 *   regularises), the subject's own eigenvalues in fine-tuning and in the returned model. Through
 *   P', own noise reaches the bottleneck as N(0, T Λ_own T^T) in group coordinates: the covariance of
 *   the subject's own-PCA latents expressed in the group basis, the same scale as in pre-training.</li>
 * </ul>
 * The trunk (embedding, residual block) is copied as is: it never sees brain latents.
 * <p>Why not a shared trunk with one head pair per subject: its heads start from nothing for each
 * subject and see only that subject's rows, so the shared part is the trunk alone (+0.7 points in the
 * issue's experiment, against +2.6 to +2.9 for group targets with this basis change), and the network
 * shape grows with the subject count, which dl4j-spark parameter averaging and a checkpoint per
 * subject handle less simply than one network of F-BNet's shape.
 */
public final class BasisChange {
    private BasisChange() { }

    /**
     * The network {@code pretrained} (trained on group latents) re-expressed in one subject's own PCA
     * spaces: {@code lh} and {@code rh} map group to own latents, {@code ownEigenvalues} (lh then rh)
     * scale the noise of the returned model, which knows only {@code subject}. The result is meant as
     * the parent of {@link FbnetTrainer#fit(java.util.List, FbnetModel)}; {@code pretrained} is untouched.
     */
    public static FbnetModel toOwnSpace(FbnetModel pretrained, String subject, LatentSpaceMap lh, LatentSpaceMap rh,
                                        float[] ownEigenvalues) {
        NetworkConfig group = pretrained.network();
        if (lh.fromComponents() != group.lhSize() || rh.fromComponents() != group.rhSize()) {
            throw new IllegalArgumentException(subject + ": maps from " + lh.fromComponents() + "/" + rh.fromComponents()
                    + " group components, but " + pretrained.describe() + " predicts " + group.lhSize() + "/" + group.rhSize());
        }
        if (ownEigenvalues.length != lh.toComponents() + rh.toComponents()) {
            throw new IllegalArgumentException(subject + ": " + ownEigenvalues.length + " own eigenvalues for "
                    + lh.toComponents() + " + " + rh.toComponents() + " own components");
        }
        NetworkConfig own = new NetworkConfig(group.inputSize(), lh.toComponents(), rh.toComponents(), group.widthFactor(),
                group.alpha(), group.beta(), group.dropout(), group.preluInit(), group.loss());
        LionConfig lion = pretrained.training().lion();
        ComputationGraph source = new ComputationGraph(FbnetNetwork.configuration(group, lion.updater(), lion.weightDecay(),
                pretrained.training().seed(), DataType.FLOAT));
        source.init(pretrained.parameters(), false);
        ComputationGraph target = FbnetNetwork.build(own, lion, pretrained.training().seed());

        Map<String, INDArray> from = source.paramTable(), to = target.paramTable();
        Map<String, double[][]> mapped = new LinkedHashMap<>();
        mapped.put(param(FbnetNetwork.HEAD_LH, "W"), times(matrix(from, param(FbnetNetwork.HEAD_LH, "W")), lh.matrix()));
        mapped.put(param(FbnetNetwork.HEAD_LH, "b"), affine(matrix(from, param(FbnetNetwork.HEAD_LH, "b")), lh));
        mapped.put(param(FbnetNetwork.HEAD_RH, "W"), times(matrix(from, param(FbnetNetwork.HEAD_RH, "W")), rh.matrix()));
        mapped.put(param(FbnetNetwork.HEAD_RH, "b"), affine(matrix(from, param(FbnetNetwork.HEAD_RH, "b")), rh));
        double[][] leak = matrix(from, param(FbnetNetwork.LEAK, LeakInjection.WEIGHT));
        double[][] leakLh = java.util.Arrays.copyOfRange(leak, 0, group.lhSize());
        double[][] leakRh = java.util.Arrays.copyOfRange(leak, group.lhSize(), leak.length);
        double[][] ownLeak = new double[own.brainSize()][];
        double[][] l = times(transpose(lh.matrix()), leakLh), r = times(transpose(rh.matrix()), leakRh);
        System.arraycopy(l, 0, ownLeak, 0, l.length);
        System.arraycopy(r, 0, ownLeak, l.length, r.length);
        mapped.put(param(FbnetNetwork.LEAK, LeakInjection.WEIGHT), ownLeak);

        for (Map.Entry<String, INDArray> e : to.entrySet()) {
            INDArray dst = e.getValue();
            double[][] m = mapped.get(e.getKey());
            INDArray value = m != null ? Nd4j.create(m).castTo(dst.dataType()) : from.get(e.getKey());
            if (value == null || !java.util.Arrays.equals(value.shape(), dst.shape())) {
                throw new IllegalStateException("basis change: parameter " + e.getKey() + " of shape " + java.util.Arrays.toString(dst.shape())
                        + " has no counterpart in " + pretrained.describe() + (value == null ? "" : " (found " + java.util.Arrays.toString(value.shape()) + ")"));
            }
            dst.assign(value);
        }
        String description = subject + "'s own-PCA basis change of " + pretrained.describe();
        return new FbnetModel(target, own, pretrained.training(), Map.of(subject, ownEigenvalues.clone()), pretrained.history(),
                pretrained.bestEpoch(), description, "basis change", null);
    }

    private static String param(String vertex, String name) { return vertex + "_" + name; }

    private static double[][] matrix(Map<String, INDArray> params, String key) {
        INDArray p = params.get(key);
        if (p == null) throw new IllegalStateException("basis change: the network has no parameter " + key + "; it has " + params.keySet());
        return p.rank() == 2 ? p.toDoubleMatrix() : new double[][] {p.toDoubleVector()};
    }

    /** b T + c for a [1, k_g] bias. */
    private static double[][] affine(double[][] bias, LatentSpaceMap map) {
        double[][] out = times(bias, map.matrix());
        double[] c = map.offset();
        for (int j = 0; j < c.length; j++) out[0][j] += c[j];
        return out;
    }

    static double[][] times(double[][] a, double[][] b) {
        int n = a.length, k = b.length, m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            if (a[i].length != k) throw new IllegalArgumentException("inner sizes " + a[i].length + " and " + k + " differ");
            for (int p = 0; p < k; p++) {
                double v = a[i][p];
                if (v == 0) continue;
                double[] row = b[p];
                for (int j = 0; j < m; j++) out[i][j] += v * row[j];
            }
        }
        return out;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) t[j][i] = a[i][j];
        return t;
    }
}
