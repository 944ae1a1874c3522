package org.fbnet.jobs;

import java.lang.management.ManagementFactory;
import java.util.Map;
import org.fbnet.config.Settings;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SynthPreset;
import org.fbnet.train.PretrainGain;
import org.fbnet.train.TrainerConfig;

/**
 * {@code fbnet bench pretrain-gain}: per generated subject, the validation and test noise-normalized
 * score of F-BNet trained from scratch, fine-tuned from the group pre-trained network (group PCA targets,
 * then the exact change of basis to the subject's own PCA) and, optionally, fine-tuned from the naive
 * pre-training on concatenated own latents, at equal fine-tune epochs ({@link PretrainGain}). Network and
 * training settings are conf/'s defaults unless overridden with {@code --set key=value}.
 */
final class PretrainGainBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "pretrain-gain"; }

    @Override
    public String summary() {
        return "group pre-training + basis change vs scratch (vs naive) per generated subject: [--subjects N] [--train N] [--test N] "
                + "[--vertices V] [--feature-dim D] [--image-components K] [--fmri-components K] [--width F] [--pretrain-epochs E] "
                + "[--epochs E] [--seed S (generated data)] [--no-naive] [--finetune-subjects N (first N; all pre-train)] [--set key=value ...]";
    }

    @Override
    public int run(String[] args) {
        int subjects = 4, train = 1000, test = 200, vertices = 1000, featureDim = 512, imageK = 300, fmriK = 75, width = 4;
        int pretrainEpochs = 20, epochs = 60, finetuneSubjects = 0;
        long seed = 1;
        boolean naive = true;
        Settings s = Settings.defaults();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--subjects" -> subjects = Integer.parseInt(args[++i]);
                case "--train" -> train = Integer.parseInt(args[++i]);
                case "--test" -> test = Integer.parseInt(args[++i]);
                case "--vertices" -> vertices = Integer.parseInt(args[++i]);
                case "--feature-dim" -> featureDim = Integer.parseInt(args[++i]);
                case "--image-components" -> imageK = Integer.parseInt(args[++i]);
                case "--fmri-components" -> fmriK = Integer.parseInt(args[++i]);
                case "--width" -> width = Integer.parseInt(args[++i]);
                case "--pretrain-epochs" -> pretrainEpochs = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--no-naive" -> naive = false;
                case "--finetune-subjects" -> finetuneSubjects = Integer.parseInt(args[++i]);
                case "--set" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("fbnet bench pretrain-gain: --set takes key=value, got " + kv);
                    s = s.with(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("fbnet bench pretrain-gain: unknown option " + args[i]);
            }
        }
        if (subjects < 2) throw new IllegalArgumentException("fbnet bench pretrain-gain: pre-training needs --subjects >= 2, got " + subjects);
        s = s.with("network.width.factor", Integer.toString(width));
        SynthConfig data = new SynthConfig(SynthPreset.SMALL, subjects, train, test, vertices, vertices, SynthPreset.SMALL.imageSize(),
                seed, true, featureDim);
        NetworkConfig net = NetworkConfig.from(s, imageK, fmriK, fmriK);
        TrainerConfig trainer = TrainerConfig.from(s);
        // Patience = epochs: every variant runs the same number of epochs; each keeps its best validation epoch.
        TrainerConfig pretrain = new TrainerConfig(pretrainEpochs, trainer.batchSize(), pretrainEpochs, trainer.validationFraction(),
                trainer.seed(), trainer.noiseDraws(), trainer.lion());
        TrainerConfig finetune = new TrainerConfig(epochs, trainer.batchSize(), epochs, trainer.validationFraction(),
                trainer.seed(), trainer.noiseDraws(), trainer.lion());

        double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        PretrainGain.Result r = PretrainGain.run(new PretrainGain.Config(data, imageK, fmriK, net, pretrain, finetune, naive, finetuneSubjects));
        double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        System.out.printf("bench pretrain-gain: %d generated subjects (all pre-train, %d fine-tuned) x %d training rows (%d validation) + %d test rows, %d vertices per hemisphere "
                        + "(one shared vertex space), features %d -> image PCA %d, fMRI PCA %d per hemisphere%n",
                subjects, r.rows().size(), train, r.rows().get(0).validationRows(), test, vertices, featureDim, imageK, fmriK);
        System.out.printf("network: width factor %d (hidden %d), alpha %s, beta %s, dropout %s, %s loss; Lion lr %s, batch %d, seed %d; "
                        + "pre-training %d epochs, every fine-tune %d epochs (best validation epoch kept)%n",
                width, net.hiddenSize(), net.alpha(), net.beta(), net.dropout(), net.loss().name().toLowerCase(java.util.Locale.ROOT),
                trainer.lion().learningRate(), trainer.batchSize(), trainer.seed(), pretrainEpochs, epochs);
        System.out.printf("group pre-training best: %s%n", r.groupPretrain());
        if (r.naivePretrain() != null) System.out.printf("naive pre-training best: %s%n", r.naivePretrain());
        System.out.println();
        System.out.printf("%-8s %-19s %-19s %7s %-19s %7s  %-13s %8s%n", "subject", "(a) scratch", "(b) group+basis", "b-a",
                naive ? "(c) naive" : "", naive ? "c-a" : "", "(b) start g/o", "min cos");
        System.out.printf("%-8s %-19s %-19s %7s %-19s %7s  %-13s %8s%n", "", "val / test (ep)", "val / test (ep)", "val", naive ? "val / test (ep)" : "",
                naive ? "val" : "", "val", "of T");
        for (PretrainGain.SubjectRow row : r.rows()) {
            System.out.printf("%-8s %-19s %-19s %+7.2f %-19s %7s  %5.2f / %5.2f %8.3f%n", row.subject(), cell(row.scratch()), cell(row.group()),
                    row.group().validation() - row.scratch().validation(), row.naive() == null ? "" : cell(row.naive()),
                    row.naive() == null ? "" : String.format("%+7.2f", row.naive().validation() - row.scratch().validation()),
                    row.groupSpaceStart(), row.ownSpaceStart(), row.smallestCosine());
        }
        double testGain = r.rows().stream().mapToDouble(x -> x.group().test() - x.scratch().test()).average().orElse(Double.NaN);
        System.out.printf("mean gain (b)-(a): validation %+.2f points (target >= +2), test %+.2f; worst subject validation %+.2f (target >= -0.5)%n",
                r.meanGain(), testGain, r.worstGain());
        if (naive) {
            System.out.printf("mean gain (c)-(a): validation %+.2f points, test %+.2f%n",
                    r.rows().stream().mapToDouble(x -> x.naive().validation() - x.scratch().validation()).average().orElse(Double.NaN),
                    r.rows().stream().mapToDouble(x -> x.naive().test() - x.scratch().test()).average().orElse(Double.NaN));
        }
        System.out.printf("largest |offset c| of the group->own maps: %.2g (0 when group and own PCA center with the same means)%n",
                r.rows().stream().mapToDouble(PretrainGain.SubjectRow::largestOffset).max().orElse(Double.NaN));
        StringBuilder times = new StringBuilder();
        for (Map.Entry<String, Double> e : r.seconds().entrySet()) times.append(String.format("%s %.0f s, ", e.getKey(), e.getValue()));
        System.out.printf("wall time: %s%.0f s total; load average %.2f at start, %.2f at end (%d cores)%n", times,
                r.seconds().values().stream().mapToDouble(Double::doubleValue).sum(), loadStart, loadEnd, Runtime.getRuntime().availableProcessors());
        return 0;
    }

    private static String cell(PretrainGain.Scores s) {
        return String.format("%5.2f / %5.2f (%2d)", s.validation(), s.test(), s.bestEpoch());
    }
}
