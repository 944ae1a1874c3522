package org.fbnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.data.InputDataException;
import org.fbnet.data.PerHemisphere;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.pca.GroupPca;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Planner;
import org.fbnet.stage.RefreshPolicy;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;
import org.fbnet.subject.Subject;
import org.fbnet.subject.SubjectLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * F-BNet's training as two stages of units: {@link #pretrain()} (one unit, {@code pretrain}: one network
 * on every subject's rows, published as {@code models/NAME/pretrained}) and {@link #finetune()} (one unit
 * per subject, {@code finetune/subjXX}: a copy of the current pre-trained network fine-tuned on the
 * subject, published as {@code models/NAME/subjXX}). With {@code train.finetune=false} or a single
 * subject, each subject's unit ({@code train/subjXX}) trains from scratch and there is no pre-training.
 * <p>With {@code train.pretrain.targets=group} (default; docs/pretraining.md) pre-training predicts every
 * subject's latents in the group fMRI PCA ({@code pca/fmri/group}), and each fine-tune starts from the
 * pre-trained network with its heads and leak projection mapped exactly into the subject's own PCA
 * ({@link BasisChange}); a subject that arrived after the group PCA was made is seen through a view built
 * from its own PCA ({@link org.fbnet.pca.GroupPca#viewFor}).
 * <p>A fine-tuned model's inputs name the pre-trained version (and fingerprint) it started from: when
 * pre-training is re-published, every fine-tune re-runs; a fine-tune killed midway leaves the subject's
 * {@code _current} on its previous model, which still names its own (kept, immutable) parent.
 * Each model version is verified before {@code _current} moves to it: it is loaded back and must predict
 * the validation rows exactly as the trained network did.
 */
public final class TrainStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
    public static final String PRETRAINED = "pretrained";
    /** 2: a subject's model version holds its PCAs and every model version its content hash ({@link CheckpointContents}). */
    static final int FORMAT_VERSION = 2;

    /** What to train: subjects (empty = all), pre-train + fine-tune or not, model directory name, versions kept. */
    public record Config(List<String> subjects, boolean finetune, String name, int keep) {
        public static Config from(Settings s) {
            String name = s.get("train.model.name");
            s.check(name.matches("[A-Za-z0-9_.-]+"), "train.model.name", "must be a plain directory name (letters, digits, _ . -)");
            return new Config(s.getList("train.subjects"), s.getBoolean("train.finetune"), name, s.intAtLeast("train.checkpoints.keep", 1));
        }
    }

    private final boolean pretraining;
    private final EpochRunner runner;

    private TrainStage(boolean pretraining, EpochRunner runner) {
        this.pretraining = pretraining;
        this.runner = runner;
    }

    /** Reads every training setting, so a bad value is reported before any stage runs. */
    public static void checkSettings(Settings s) {
        Config.from(s);
        TrainerConfig.from(s);
        NetworkConfig.from(s, 1, 1, 1);
        groupTargets(s);
        RefreshPolicy.from(s);
        pretrainEngine(s);
    }

    /** Checks {@code pretrain.engine} (spark, local or auto) and, unless local, the averaging settings; returns it. */
    static String pretrainEngine(Settings s) {
        String e = s.get("pretrain.engine");
        s.check(e.equals("spark") || e.equals("local") || e.equals("auto"), "pretrain.engine", "must be spark, local or auto");
        if (!e.equals("local")) org.fbnet.train.spark.ParameterAveragingConfig.from(s);
        return e;
    }

    /** The engine of a pre-training unit: the one given to {@link #pretrain(EpochRunner)}, else {@code pretrain.engine}. */
    private EpochRunner pretrainRunner(StageContext ctx) {
        if (runner != null) return runner;
        String engine = pretrainEngine(ctx.settings());
        org.apache.spark.SparkContext sc = ctx.spark().sparkContext();
        if (engine.equals("local") || engine.equals("auto") && sc.isLocal()) return new LocalEpochRunner();
        return new org.fbnet.train.spark.ParameterAveragingRunner(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(sc),
                org.fbnet.train.spark.ParameterAveragingConfig.from(ctx.settings()));
    }

    /** The pre-training stage, on the engine {@code pretrain.engine} names. */
    public static TrainStage pretrain() { return new TrainStage(true, null); }

    /** The pre-training stage with another engine (e.g. dl4j-spark parameter averaging). */
    public static TrainStage pretrain(EpochRunner runner) { return new TrainStage(true, runner); }

    /** The per-subject stage: fine-tunes (or trains from scratch without pre-training). */
    public static TrainStage finetune() { return new TrainStage(false, new LocalEpochRunner()); }

    @Override public String name() { return pretraining ? "pretrain" : "finetune"; }

    /** The settings a trained network depends on. */
    static Map<String, String> trainingSettings(Settings s) {
        Map<String, String> m = new TreeMap<>();
        s.withPrefix("network.").forEach(m::put);
        s.withPrefix("train.").forEach((k, v) -> {
            // Where and how models are kept, and whether fine-tunes run at once, do not change what is learned.
            if (!List.of("train.subjects", "train.model.name", "train.checkpoints.keep", "train.finetune.parallel",
                    "train.checkpoint.root").contains(k)) m.put(k, v);
        });
        return m;
    }

    @Override
    public List<Unit> plan(StageContext ctx) throws IOException {
        Config c = Config.from(ctx.settings());
        List<String> subjects = ctx.subjects(c.subjects());
        boolean withParent = c.finetune() && subjects.size() > 1;
        Map<String, String> settings = trainingSettings(ctx.settings());
        RefreshPolicy policy = RefreshPolicy.from(ctx.settings());
        List<Unit> units = new ArrayList<>();
        String parent = DataRoot.model(c.name(), PRETRAINED);
        boolean group = withParent && groupTargets(ctx.settings());
        if (pretraining) {
            if (!withParent) return units;
            List<String> inputs = new ArrayList<>();
            for (String s : subjects) inputs.addAll(trainInputs(s));
            if (group) inputs.add(GROUP_PCA);
            Map<String, String> pre = new TreeMap<>(settings);
            pre.put("pretrain.engine", ctx.settings().get("pretrain.engine"));
            if (!pretrainEngine(ctx.settings()).equals("local")) {
                // What averaging learns depends on every pretrain.* setting but ND4J's threads and prefetching.
                ctx.settings().withPrefix("pretrain.").forEach((k, v) -> {
                    if (!k.equals("pretrain.worker.threads") && !k.equals("pretrain.worker.prefetch")) pre.put(k, v);
                });
            }
            units.add(Planner.plan(ctx, Planner.Spec.of(name(), "pretrain", null, FORMAT_VERSION, inputs, pre, List.of(parent))
                    .keeping(policy.global())));
            return units;
        }
        for (String s : subjects) {
            List<String> inputs = new ArrayList<>(trainInputs(s));
            if (withParent) inputs.add(parent);
            if (group) inputs.add(GROUP_PCA);
            units.add(Planner.plan(ctx, Planner.Spec.of(name(), (withParent ? "finetune/" : "train/") + s, s, FORMAT_VERSION, inputs,
                    settings, List.of(DataRoot.model(c.name(), s))).keeping(withParent ? policy.finetuned(parent) : Planner.KeepRule.NEVER)));
        }
        return units;
    }

    /** The group fMRI PCA pre-training predicts in (train.pretrain.targets=group). */
    static final String GROUP_PCA = DataRoot.fmriPca(org.fbnet.pca.Project.GROUP);

    static boolean groupTargets(Settings s) {
        String t = s.get("train.pretrain.targets");
        s.check(t.equals("group") || t.equals("subject"), "train.pretrain.targets", "must be group or subject");
        // With pca.fmri.space=group every subject's latents already are group coordinates: nothing to map.
        return t.equals("group") && !"group".equals(s.get("pca.fmri.space"));
    }

    private static List<String> trainInputs(String subject) {
        return List.of(DataRoot.subjectDataset(DataRoot.LATENTS, subject), DataRoot.subjectDataset(DataRoot.VERTICES, subject));
    }

    @Override
    public String runUnit(Unit unit, StageContext ctx) throws Exception {
        return prepare(unit, ctx).run(pretraining ? pretrainRunner(ctx) : new LocalEpochRunner(), r -> { });
    }

    /**
     * Fine-tunes run concurrently ({@code train.finetune.parallel}): one Spark job of one task per subject,
     * each submitted from its own driver thread, so every subject trains at once on the executor that runs
     * its task (on that executor's GPU in a GPU cluster) and a subject that fails, even after Spark's
     * retries, fails only itself. On a cluster a single fine-tune (a new subject) also runs on an executor.
     * Pre-training runs on the driver (its engine decides where the steps run).
     */
    @Override
    public List<UnitResult> run(List<Unit> units, StageContext ctx) {
        // On a cluster even one fine-tune goes to an executor (its GPU); on local Spark one unit gains nothing from a job.
        boolean fanOut = ctx.settings().getBoolean("train.finetune.parallel") && (units.size() > 1 || !ctx.spark().sparkContext().isLocal());
        if (pretraining || units.isEmpty() || !fanOut) return Stage.super.run(units, ctx);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(units.size(), r -> {
            Thread t = new Thread(r, "fbnet-finetune");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<UnitResult>> futures = new ArrayList<>();
            for (Unit u : units) futures.add(pool.submit(() -> UnitResult.time(u, () -> onExecutor(u, ctx))));
            List<UnitResult> out = new ArrayList<>();
            for (java.util.concurrent.Future<UnitResult> f : futures) {
                try {
                    out.add(f.get());
                } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("fine-tune fan-out interrupted", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One unit as a one-task Spark job; its epochs reach the driver's log through a progress file. */
    private String onExecutor(Unit unit, StageContext ctx) throws Exception {
        TrainJob job = prepare(unit, ctx);
        org.apache.spark.api.java.JavaSparkContext jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
        jsc.setLocalProperty("spark.scheduler.pool", unit.subject());
        jsc.setJobGroup("fbnet " + unit.id(), "fbnet " + unit.id(), true);
        try (TrainJob.ProgressWatch watch = job.watchProgress(LOG)) {
            // The job travels in the task's closure, Java-serialised whole (records, immutable lists, ND4J-free; what
            // Kryo handles varies by version) and read back by Spark with the application's class loader. (Java
            // deserialisation by a library on Spark's class path, e.g. commons-lang3, cannot see the spark-submit
            // jar's classes on a cluster: ClassNotFoundException in SparkSubmitRunTest.)
            String[] o = jsc.parallelize(List.of(0), 1).map(ignored -> job.runOnExecutor().toArray()).collect().get(0);
            return TrainJob.Outcome.of(o).orThrow();
        }
    }

    /** Loads what a unit trains on (on the driver) and describes the model version it will publish. */
    TrainJob prepare(Unit unit, StageContext ctx) throws IOException {
        Settings settings = ctx.settings();
        Config c = Config.from(settings);
        TrainerConfig trainer = TrainerConfig.from(settings);
        SubjectLoader loader = new SubjectLoader(ctx.spark(), ctx.root(), trainer.validationFraction());
        List<String> names = unit.subject() != null ? List.of(unit.subject())
                : unit.inputs().keySet().stream().filter(id -> id.startsWith(DataRoot.LATENTS + "/"))
                        .map(id -> id.substring(id.indexOf("subject=") + "subject=".length())).sorted().toList();
        List<Subject> data = new ArrayList<>();
        NetworkConfig network = null;
        boolean group = unit.inputs().containsKey(GROUP_PCA);
        Version groupPca = group ? ctx.current(GROUP_PCA, "fbnet project") : null;
        PerHemisphere<GroupPca.SubjectView> views = null;
        for (String s : names) {
            Subject sd = loader.load(s);
            if (group) {
                views = loader.groupViews(sd, groupPca);
                // Pre-training predicts every subject's latents in the group's coordinates (docs/pretraining.md).
                if (pretraining) sd = loader.inSpace(sd, views);
            }
            NetworkConfig n = NetworkConfig.from(settings, sd.inputSize(), sd.components(org.fbnet.data.Hemisphere.LH),
                    sd.components(org.fbnet.data.Hemisphere.RH));
            if (network != null && !network.equals(n)) {
                throw new InputDataException(s + ": latent sizes " + n.inputSize() + "/" + n.lhSize() + "/" + n.rhSize()
                        + " differ from the other subjects' " + network.inputSize() + "/" + network.lhSize() + "/" + network.rhSize());
            }
            network = n;
            data.add(sd);
            LOG.info("{}: loaded {} ({} training rows)", unit.id(), s, sd.train().size());
        }
        String parentId = DataRoot.model(c.name(), PRETRAINED);
        String parentPath = unit.inputs().containsKey(parentId) ? ctx.current(parentId, "fbnet pretrain").path().toString() : null;
        Manifest base = Planner.manifest(unit, FbnetModel.KIND, FbnetModel.FORMAT_VERSION, ctx.inputRefs(unit, Map.<String, InputRef>of()), settings);
        return new TrainJob(unit.id(), data, network, trainer, parentPath, pretraining ? null : views,
                ctx.dir(unit.outputs().get(0)).dir().toString(), org.fbnet.store.VersionedDir.newId(), base.toJson(), c.keep(),
                new org.fbnet.store.SerializableHadoopConf(ctx.root().conf()), ctx.root().root().toString(),
                ctx.root().checkpoints() == null ? null : ctx.root().checkpoints().toString(), unit.subject());
    }

}
