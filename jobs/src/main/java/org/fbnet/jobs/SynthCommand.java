package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
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
                Flag.output("--out", "DIR", "output folder (any Hadoop URI): subjXX/ in the challenge layout, truth/ beside them", true),
                Flag.setting("--subjects", "synth.subjects", "N"),
                Flag.setting("--preset", "synth.preset", "nsd|small"),
                Flag.setting("--train", "synth.train", "N"),
                Flag.setting("--test", "synth.test", "M"),
                Flag.setting("--lh", "synth.lh", "V"),
                Flag.setting("--rh", "synth.rh", "W"),
                Flag.setting("--image-size", "synth.image.size", "S"),
                Flag.setting("--seed", "synth.seed", "K"),
                new Flag("--features-only", "synth.features.only", null, null, false, Flag.Kind.VALUE),
                Flag.setting("--feature-dim", "synth.feature.dim", "D"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        SyntheticDataset.Result r = run(args.settings(HadoopConf.create()), args.get("--out"));
        System.out.println(describe(r));
        return 0;
    }

    /** Generates with resolved settings; shared by the demo and the benchmark. */
    static SyntheticDataset.Result run(Settings s, String out) throws Exception {
        Configuration conf = HadoopConf.create();
        return new SyntheticDataset(SynthConfig.from(s)).generate(new Path(out), conf);
    }

    static String describe(SyntheticDataset.Result r) {
        StringBuilder sb = new StringBuilder(String.format("synth: %d subject(s), %.1f MB%n", r.subjects().size(), r.bytes() / 1e6));
        r.subjects().forEach(p -> sb.append("  ").append(p).append('\n'));
        return sb.append("  truth (test fMRI, noise ceilings, planted.json): ").append(r.truth()).toString();
    }
}
