package org.fbnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.fbnet.compare.FbnetVariant;
import org.fbnet.config.Settings;
import org.fbnet.data.InputDataException;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.store.DataRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fbnet train} stage: F-BNet's method on an output root's latents. With several subjects
 * it pre-trains one network on all of them and fine-tunes a copy per subject; otherwise (or with
 * {@code train.finetune=false}) it trains each subject from scratch. Models are published under
 * {@code models/NAME/} ({@code pretrained}, {@code subjXX}), each with its manifest.
 * <p>Subjects are loaded through the comparison's loader (latents joined with fMRI, validation rows
 * measured in vertex space) and the saved fMRI PCA models, then kept as latents only.
 */
public final class TrainStage {
    private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
    public static final String PRETRAINED = "pretrained";

    private TrainStage() { }

    /** What to train: subjects (empty = all), pre-train + fine-tune or not, model directory name. */
    public record Config(List<String> subjects, boolean finetune, String name) {
        public static Config from(Settings s) {
            String name = s.get("train.model.name");
            s.check(name.matches("[A-Za-z0-9_.-]+"), "train.model.name", "must be a plain directory name (letters, digits, _ . -)");
            return new Config(s.getList("train.subjects"), s.getBoolean("train.finetune"), name);
        }
    }

    /** One published model and its best epoch. */
    public record Trained(String name, Path path, EpochRecord best) { }

    public static List<Trained> run(SparkSession spark, DataRoot root, Settings settings) throws IOException {
        Config config = Config.from(settings);
        TrainerConfig trainer = TrainerConfig.from(settings);
        List<String> subjects = config.subjects().isEmpty()
                ? org.fbnet.compare.SubjectData.subjects(spark, root) : config.subjects();
        if (subjects.isEmpty()) throw new InputDataException(root.latents() + ": no subjects in the latents");
        List<SubjectData> data = new ArrayList<>();
        NetworkConfig network = null;
        for (String subject : subjects) {
            org.fbnet.compare.SubjectData full = org.fbnet.compare.SubjectData.load(spark, root, subject, trainer.validationFraction());
            PcaModel lh = FbnetVariant.fmriPca(full, "lh"), rh = FbnetVariant.fmriPca(full, "rh");
            SubjectData sd = FbnetVariant.trainingData(full, lh, rh);
            NetworkConfig n = NetworkConfig.from(settings, sd.inputSize(), lh.components(), rh.components());
            if (network != null && !network.equals(n)) {
                throw new InputDataException(subject + ": latent sizes " + n.inputSize() + "/" + n.lhSize() + "/" + n.rhSize()
                        + " differ from the other subjects' " + network.inputSize() + "/" + network.lhSize() + "/" + network.rhSize());
            }
            network = n;
            data.add(sd);
            LOG.info("train: loaded {} ({} training rows)", subject, sd.rows());
        }
        FbnetTrainer fbnet = new FbnetTrainer(network, trainer);
        Path dir = new Path(root.models(), config.name());
        List<Trained> out = new ArrayList<>();
        if (config.finetune() && data.size() > 1) {
            FbnetModel parent = fbnet.fit(data);
            Path p = parent.save(new Path(dir, PRETRAINED), root.conf());
            out.add(new Trained(PRETRAINED, p, parent.best()));
            FbnetModel saved = FbnetModel.load(p, root.conf()); // children record the parent's path
            for (SubjectData sd : data) {
                FbnetModel child = fbnet.fit(List.of(sd), saved);
                out.add(new Trained(sd.subject(), child.save(new Path(dir, sd.subject()), root.conf()), child.best()));
            }
        } else {
            for (SubjectData sd : data) {
                FbnetModel m = fbnet.fit(List.of(sd));
                out.add(new Trained(sd.subject(), m.save(new Path(dir, sd.subject()), root.conf()), m.best()));
            }
        }
        for (Trained t : out) LOG.info("train: {} -> {} ({})", t.name(), t.path(), t.best());
        return out;
    }
}
