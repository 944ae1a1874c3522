package org.fbnet.jobs;

import java.util.List;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.HadoopConf;

/** {@code fbnet project}: the image and fMRI PCAs, every subject's latents and the reconstruction report. */
public final class ProjectCommand implements Command {
    @Override public String name() { return "project"; }

    @Override public String summary() { return "fit the image and fMRI PCAs and publish latents/ and reports/project/ (what changed)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root of ingest/embed, where pca/, latents/ and reports/ are published", true),
                Flag.setting("--image-components", "pca.image.components", "N"),
                Flag.setting("--fmri-components", "pca.fmri.components", "N"),
                Flag.setting("--embeddings", "pca.image.embeddings", "MODEL/FEATURE"),
                Flag.setting("--refresh-global", "run.refresh.global", "BOOL"),
                Flag.setting("--include-validation", "pca.fmri.include.validation", "BOOL"),
                Flag.setting("--fmri-space", "pca.fmri.space", "subject|group"),
                Flag.setting("--seed", "pca.seed", "N"),
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        StageRuns.run(args.settings(HadoopConf.create()), args.get("--data"), null, List.of(FbnetPipeline.PROJECT), args);
        return 0;
    }
}
