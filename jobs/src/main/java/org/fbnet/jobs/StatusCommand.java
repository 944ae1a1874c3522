package org.fbnet.jobs;

import java.util.List;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.PipelineStatus;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;

/** {@code fbnet status}: per subject, which stages have published, their current versions, scores and when. */
public final class StatusCommand implements Command {
    @Override public String name() { return "status"; }

    @Override public String summary() { return "show per subject which stages are done, their versions, scores and when (--json for scripts)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--output", "URI", "output root (any Hadoop FileSystem URI)", true),
                Flag.toggle("--json", "print JSON instead of text"),
                Flag.setting("--name", "train.model.name", "NAME"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Settings s = args.settings(HadoopConf.create());
        PipelineStatus st = PipelineStatus.of(DataRoot.of(args.get("--output"), HadoopConf.create()), s.get("train.model.name"));
        System.out.print(args.has("--json") ? st.toJson() + "\n" : st.toText());
        return ExitCode.OK.code;
    }
}
