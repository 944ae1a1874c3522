package org.fbnet.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fbnet.data.ValidationSplit;
import org.fbnet.eval.EpochRecord;
import org.fbnet.eval.VertexScores;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.pca.GroupPca;
import org.fbnet.pca.PcaConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.subject.Subject;
import org.fbnet.pca.RandomizedPca;
import org.fbnet.synth.PlantedTruth;
import org.fbnet.synth.SubjectSample;
import org.fbnet.synth.SynthConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experiment behind {@code fbnet bench pretrain-gain}: on generated subjects that share one vertex
 * space, each subject's noise-normalized score (validation, as the trainer selects epochs on it, and
 * test) when trained (a) from scratch, (b) fine-tuned from a network pre-trained on group PCA latents
 * of all subjects, re-expressed in the subject's own PCA by {@link BasisChange}, and optionally (c)
 * fine-tuned from a network pre-trained naively on all subjects' own latents. All fine-tunes use the same
 * trainer configuration (epochs, patience, seed), so they see the same batches for the same epochs.
 * <p>Data as the pipeline builds it, in memory: image features -> one image PCA over every subject's
 * training images; fMRI -> per subject and hemisphere an own PCA, and per hemisphere a group PCA, both on
 * the training rows after the validation rows. A benchmark, never a test.
 */
public final class PretrainGain {
    private static final Logger LOG = LoggerFactory.getLogger(PretrainGain.class);

    private PretrainGain() { }

    /**
     * What to run: the generated data, PCA sizes, the network (sized imageComponents -> fmriComponents per
     * hemisphere), pre-training and fine-tuning configs, whether to run the naive pre-training too, and
     * how many subjects (the first ones) to fine-tune and train from scratch (all pre-train; 0 = all).
     */
    public record Config(SynthConfig data, int imageComponents, int fmriComponents, NetworkConfig network,
                         TrainerConfig pretrain, TrainerConfig finetune, boolean naive, int finetuneSubjects) {
        public Config {
            if (finetuneSubjects < 0 || finetuneSubjects > data.subjects()) {
                throw new IllegalArgumentException("fine-tune subjects must be in 0.." + data.subjects() + " (0 = all), got " + finetuneSubjects);
            }
            if (network.inputSize() != imageComponents || network.lhSize() != fmriComponents || network.rhSize() != fmriComponents) {
                throw new IllegalArgumentException("network " + network + " does not fit " + imageComponents + " image and "
                        + fmriComponents + " fMRI components");
            }
            if (pretrain.validationFraction() != finetune.validationFraction()) {
                throw new IllegalArgumentException("pre-training and fine-tuning must hold out the same validation rows");
            }
        }
    }

    /** A model's mean noise-normalized score over both hemispheres' vertices, and its best epoch (0: not trained). */
    public record Scores(double validation, double test, int bestEpoch) {
        @Override
        public String toString() { return String.format("validation %.2f, test %.2f (best epoch %d)", validation, test, bestEpoch); }
    }

    /**
     * One subject: its training rows (validation included), the three variants, the pre-trained group
     * model's validation score in group space, the mapped parent's in own space before fine-tuning, and
     * the smallest singular value of T over both hemispheres.
     */
    public record SubjectRow(String subject, int trainRows, int validationRows, Scores scratch, Scores group, Scores naive,
                             double groupSpaceStart, double ownSpaceStart, double smallestCosine, double largestOffset) { }

    /** Every subject's row and the wall time of each phase in seconds. */
    public record Result(List<SubjectRow> rows, Map<String, Double> seconds, EpochRecord groupPretrain, EpochRecord naivePretrain) {
        public double meanGain() { return rows.stream().mapToDouble(r -> r.group().validation() - r.scratch().validation()).average().orElse(Double.NaN); }

        public double worstGain() { return rows.stream().mapToDouble(r -> r.group().validation() - r.scratch().validation()).min().orElse(Double.NaN); }
    }

    /** One subject prepared: both training views and the held-out rows to score. */
    private record Prepared(SubjectViews views, SubjectSample sample, float[][] xTest, int validationRows) { }

    public static Result run(Config c) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t = System.nanoTime();
        PlantedTruth truth = PlantedTruth.of(c.data());
        List<SubjectSample> samples = new ArrayList<>();
        for (int s = 1; s <= c.data().subjects(); s++) samples.add(SubjectSample.generate(truth, s));
        t = lap(seconds, "generate", t);

        PcaModel image = imagePca(samples, c.imageComponents());
        double fraction = c.finetune().validationFraction();
        RandomizedPca fmriPca = new RandomizedPca(PcaConfig.of(c.fmriComponents()));
        List<GroupPca.SubjectMatrix> lhRows = new ArrayList<>(), rhRows = new ArrayList<>();
        Map<String, PcaModel[]> own = new LinkedHashMap<>();
        for (SubjectSample s : samples) {
            int k = ValidationSplit.validationRows(s.trainIds().length, fraction);
            float[][] lh = fitting(s.lh().train(), k), rh = fitting(s.rh().train(), k);
            own.put(s.subject(), new PcaModel[] {fmriPca.fit(lh, s.subject() + " lh"), fmriPca.fit(rh, s.subject() + " rh")});
            lhRows.add(new GroupPca.SubjectMatrix(s.subject(), lh, s.lh().fsaverageIndex()));
            rhRows.add(new GroupPca.SubjectMatrix(s.subject(), rh, s.rh().fsaverageIndex()));
        }
        GroupPca lhGroup = GroupPca.fitInMemory(fmriPca, lhRows, "group lh"), rhGroup = GroupPca.fitInMemory(fmriPca, rhRows, "group rh");
        List<Prepared> prepared = new ArrayList<>();
        for (SubjectSample s : samples) {
            PcaModel[] p = own.get(s.subject());
            SubjectViews v = SubjectViews.of(s.subject(), image.transform(s.trainFeatures()),
                    new SubjectViews.HemisphereFmri(s.lh().train(), s.lh().ceilings(), p[0], lhGroup),
                    new SubjectViews.HemisphereFmri(s.rh().train(), s.rh().ceilings(), p[1], rhGroup), fraction);
            prepared.add(new Prepared(v, s, image.transform(s.testFeatures()), ValidationSplit.validationRows(s.trainIds().length, fraction)));
        }
        t = lap(seconds, "pca", t);

        FbnetTrainer pretrainer = new FbnetTrainer(c.network(), c.pretrain()), finetuner = new FbnetTrainer(c.network(), c.finetune());
        FbnetModel group = pretrainer.fit(prepared.stream().map(p -> p.views().group()).toList());
        t = lap(seconds, "group pre-training", t);
        FbnetModel naive = null;
        if (c.naive()) {
            naive = pretrainer.fit(prepared.stream().map(p -> p.views().own()).toList());
            t = lap(seconds, "naive pre-training", t);
        }

        List<SubjectRow> rows = new ArrayList<>();
        double scratchSecs = 0, groupSecs = 0, naiveSecs = 0;
        for (Prepared p : c.finetuneSubjects() == 0 ? prepared : prepared.subList(0, c.finetuneSubjects())) {
            Subject ownData = p.views().own();
            String name = ownData.name();
            long t0 = System.nanoTime();
            Scores scratch = scores(finetuner.fit(List.of(ownData)), p);
            long t1 = System.nanoTime();
            FbnetModel parent = p.views().ownParent(group);
            Scores fromGroup = scores(finetuner.fit(List.of(ownData), parent), p);
            long t2 = System.nanoTime();
            Scores fromNaive = naive == null ? null : scores(finetuner.fit(List.of(ownData), naive), p);
            long t3 = System.nanoTime();
            scratchSecs += (t1 - t0) / 1e9;
            groupSecs += (t2 - t1) / 1e9;
            naiveSecs += (t3 - t2) / 1e9;
            double cos = Math.min(last(p.views().lhToOwn().singularValues()), last(p.views().rhToOwn().singularValues()));
            double offset = Math.max(maxAbs(p.views().lhToOwn().offset()), maxAbs(p.views().rhToOwn().offset()));
            SubjectRow row = new SubjectRow(name, ownData.train().size() + ownData.validation().size(), p.validationRows(), scratch, fromGroup, fromNaive,
                    validationScore(group, p.views().group(), p.validationRows()), validationScore(parent, ownData, p.validationRows()), cos, offset);
            rows.add(row);
            LOG.info("pretrain-gain {}: scratch {}, group pre-trained {}{}", name, scratch, fromGroup, fromNaive == null ? "" : ", naive " + fromNaive);
        }
        seconds.put("fine-tunes from scratch", scratchSecs);
        seconds.put("fine-tunes from group", groupSecs);
        if (c.naive()) seconds.put("fine-tunes from naive", naiveSecs);
        return new Result(rows, seconds, group.best(), naive == null ? null : naive.best());
    }

    /** One image PCA over every subject's training images, each NSD id once (as the project stage fits it). */
    private static PcaModel imagePca(List<SubjectSample> samples, int components) {
        Map<Integer, float[]> byId = new java.util.TreeMap<>();
        for (SubjectSample s : samples) for (int i = 0; i < s.trainIds().length; i++) byId.putIfAbsent(s.trainIds()[i], s.trainFeatures()[i]);
        return new RandomizedPca(PcaConfig.of(components)).fit(byId.values().toArray(new float[0][]), "image features");
    }

    private static float[][] fitting(float[][] train, int validationRows) {
        return Arrays.copyOfRange(train, validationRows, train.length);
    }

    private static Scores scores(FbnetModel m, Prepared p) {
        Subject own = p.views().own();
        SubjectSample s = p.sample();
        double test = score(m, own, p.xTest(), s.lh().test(), s.rh().test());
        return new Scores(m.best().validationScore(), test, m.bestEpoch());
    }

    /** The score of a model on the subject's validation rows, decoded with the view's decoders. */
    private static double validationScore(FbnetModel m, Subject view, int validationRows) {
        return score(m, view, view.validation().x(), view.validation().vertices().lh(), view.validation().vertices().rh());
    }

    /** Mean noise-normalized score over all vertices of both hemispheres, as the trainer's validation computes it. */
    static double score(FbnetModel m, Subject view, float[][] x, float[][] lhMeasured, float[][] rhMeasured) {
        FbnetModel.Prediction p = m.predict(x, view.name());
        double[] l = VertexScores.noiseNormalized(VertexScores.pearson(view.decoders().lh().inverseTransform(p.lh()), lhMeasured), view.ceilings().lh());
        double[] r = VertexScores.noiseNormalized(VertexScores.pearson(view.decoders().rh().inverseTransform(p.rh()), rhMeasured), view.ceilings().rh());
        return (VertexScores.mean(l) * l.length + VertexScores.mean(r) * r.length) / (l.length + r.length);
    }

    private static double last(double[] a) { return a[a.length - 1]; }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static long lap(Map<String, Double> seconds, String phase, long since) {
        long now = System.nanoTime();
        seconds.put(phase, (now - since) / 1e9);
        LOG.info("pretrain-gain: {} took {} s", phase, String.format("%.1f", (now - since) / 1e9));
        return now;
    }
}
