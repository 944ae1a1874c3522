package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.HadoopConf;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SyntheticDataset;

/** {@code fbnet synth}: writes a synthetic Algonauts-layout dataset with planted truth (see {@link SyntheticDataset}). */
public final class SynthCommand implements Command {
    @Override public String name() { return "synth"; }

    @Override public String summary() { return "generate a synthetic Algonauts 2023 dataset with planted truth"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.argument("--out", "DIR", "output folder (any Hadoop URI): subjXX/ in the challenge layout, truth/ beside them", true),
                Flag.setting("--subjects", "synth.subjects", "N"),
                Flag.setting("--preset", "synth.preset", "nsd|small"),
                Flag.setting("--train", "synth.train", "N"),
                Flag.setting("--test", "synth.test", "M"),
                Flag.setting("--lh", "synth.lh", "V"),
                Flag.setting("--rh", "synth.rh", "W"),
                Flag.setting("--image-size", "synth.image.size", "S"),
                Flag.setting("--seed", "synth.seed", "K"),
                new Flag("--features-only", "synth.features.only", null, null, false),
                Flag.setting("--feature-dim", "synth.feature.dim", "D"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        SynthConfig config = SynthConfig.from(args.settings(conf));
        SyntheticDataset.Result r = new SyntheticDataset(config).generate(new Path(args.get("--out")), conf);
        System.out.printf("synth: %d subject(s), %.1f MB%n", r.subjects().size(), r.bytes() / 1e6);
        r.subjects().forEach(p -> System.out.println("  " + p));
        System.out.println("  truth (test fMRI, noise ceilings, planted.json): " + r.truth());
        return 0;
    }
}
