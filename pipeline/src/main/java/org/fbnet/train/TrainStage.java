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
import org.fbnet.nn.NetworkConfig;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Planner;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
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

    /** The pre-training stage, stepping in this JVM. */
    public static TrainStage pretrain() { return new TrainStage(true, new LocalEpochRunner()); }

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
            if (!k.equals("train.subjects") && !k.equals("train.model.name") && !k.equals("train.checkpoints.keep")
                    && !k.equals("train.checkpoint.root")) m.put(k, v);
        });
        return m;
    }

    @Override
    public List<Unit> plan(StageContext ctx) throws IOException {
        Config c = Config.from(ctx.settings());
        List<String> subjects = ctx.subjects(c.subjects());
        boolean withParent = c.finetune() && subjects.size() > 1;
        Map<String, String> settings = trainingSettings(ctx.settings());
        List<Unit> units = new ArrayList<>();
        String parent = DataRoot.model(c.name(), PRETRAINED);
        if (pretraining) {
            if (!withParent) return units;
            List<String> inputs = new ArrayList<>();
            for (String s : subjects) inputs.addAll(trainInputs(s));
            units.add(Planner.plan(ctx, Planner.Spec.of(name(), "pretrain", null, FORMAT_VERSION, inputs, settings, List.of(parent))));
            return units;
        }
        for (String s : subjects) {
            List<String> inputs = new ArrayList<>(trainInputs(s));
            if (withParent) inputs.add(parent);
            units.add(Planner.plan(ctx, Planner.Spec.of(name(), (withParent ? "finetune/" : "train/") + s, s, FORMAT_VERSION, inputs,
                    settings, List.of(DataRoot.model(c.name(), s)))));
        }
        return units;
    }

    private static List<String> trainInputs(String subject) {
        return List.of(DataRoot.subjectDataset(DataRoot.LATENTS, subject), DataRoot.subjectDataset(DataRoot.VERTICES, subject));
    }

    @Override
    public String runUnit(Unit unit, StageContext ctx) throws Exception {
        Settings settings = ctx.settings();
        Config c = Config.from(settings);
        TrainerConfig trainer = TrainerConfig.from(settings);
        SubjectLoader loader = new SubjectLoader(ctx.spark(), ctx.root(), trainer.validationFraction());
        List<String> names = unit.subject() != null ? List.of(unit.subject())
                : unit.inputs().keySet().stream().filter(id -> id.startsWith(DataRoot.LATENTS + "/"))
                        .map(id -> id.substring(id.indexOf("subject=") + "subject=".length())).sorted().toList();
        List<Subject> data = new ArrayList<>();
        NetworkConfig network = null;
        for (String s : names) {
            Subject sd = loader.load(s);
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
        FbnetTrainer fbnet = new FbnetTrainer(network, trainer, pretraining ? runner : new LocalEpochRunner());
        String parentId = DataRoot.model(c.name(), PRETRAINED);
        FbnetModel model;
        if (unit.inputs().containsKey(parentId)) {
            Version parent = ctx.current(parentId, "fbnet pretrain");
            model = fbnet.fit(data, FbnetModel.load(parent.path(), ctx.root().conf()));
        } else {
            model = fbnet.fit(data);
        }
        Manifest base = model.describe(Planner.manifest(unit, FbnetModel.KIND, FbnetModel.FORMAT_VERSION,
                ctx.inputRefs(unit, Map.<String, InputRef>of()), settings));
        Version v = publish(ctx, unit.outputs().get(0), model, base, data, unit.subject());
        int pruned = ctx.dir(unit.outputs().get(0)).prune(c.keep());
        if (pruned > 0) LOG.info("{}: removed {} old version(s) beyond train.checkpoints.keep={}", unit.id(), pruned, c.keep());
        return model.best() + " -> " + v.path();
    }

    /**
     * Publishes a model version, verified to load and predict as the trained network before it becomes current;
     * a subject's ({@code subject} not null) is a self-contained checkpoint ({@link CheckpointContents}).
     */
    static Version publish(StageContext ctx, String outputId, FbnetModel model, Manifest manifest, List<Subject> data, String subject)
            throws IOException {
        return ctx.dir(outputId).publish(manifest, (staging, m) -> {
            model.writeGraph(staging, ctx.root().conf());
            return CheckpointContents.complete(staging, m, model, data, subject, ctx.root());
        }, published -> {
            verify(model, published.path(), ctx, data);
            CheckpointContents.verify(published, model, data, subject, ctx.root().conf());
        });
    }

    private static void verify(FbnetModel model, Path dir, StageContext ctx, List<Subject> data) throws IOException {
        FbnetModel back = FbnetModel.load(dir, ctx.root().conf());
        for (Subject s : data) {
            float[][] x = s.validation().x();
            FbnetModel.Prediction a = model.predict(x, s.name()), b = back.predict(x, s.name());
            if (!Arrays.deepEquals(a.lh(), b.lh()) || !Arrays.deepEquals(a.rh(), b.rh())) {
                throw new IOException(dir + ": the saved model does not predict " + s.name() + "'s validation rows as the trained one did");
            }
        }
    }
}
