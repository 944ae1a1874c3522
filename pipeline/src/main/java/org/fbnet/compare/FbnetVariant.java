package org.fbnet.compare;

import java.io.IOException;
import java.util.List;
import org.fbnet.config.Settings;
import org.fbnet.data.Hemisphere;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;
import org.fbnet.subject.Subject;
import org.fbnet.train.FbnetModel;
import org.fbnet.train.FbnetTrainer;
import org.fbnet.train.TrainerConfig;

/**
 * F-BNet as comparison variants. {@code fbnet} scores the model {@code fbnet train} published for the
 * subject ({@code models/NAME/subjXX}: pre-trained on all subjects, then fine-tuned). The ablations are
 * trained here on the subject alone, from scratch: {@code no-pretrain} (F-BNet without pre-training),
 * {@code no-leak} ({@code network.leak.alpha=0}) and {@code mse} ({@code network.loss=mse}).
 * <p>Trained models select their epoch on the same validation rows the comparison scores (both use
 * {@code train.validation.fraction}), so the validation column is optimistic for them, as it is for
 * ridge's CV-chosen alpha; the test column is the unbiased one.
 */
public final class FbnetVariant implements Variant {
    public static final String FBNET = "fbnet", NO_PRETRAIN = "no-pretrain", NO_LEAK = "no-leak", MSE = "mse";

    private final String name;
    private final Settings settings;
    private final DataRoot published;

    /**
     * @param settings  the resolved settings with this variant's overrides applied
     * @param published the root whose models this variant scores, or null to train from scratch
     */
    private FbnetVariant(String name, Settings settings, DataRoot published) {
        this.name = name;
        this.settings = settings;
        this.published = published;
    }

    /** The published, fine-tuned model of each subject. */
    public static FbnetVariant fbnet(Settings s, DataRoot root) { return new FbnetVariant(FBNET, s, root); }

    public static FbnetVariant noPretrain(Settings s) { return new FbnetVariant(NO_PRETRAIN, s, null); }

    public static FbnetVariant noLeak(Settings s) { return new FbnetVariant(NO_LEAK, s.with("network.leak.alpha", "0"), null); }

    public static FbnetVariant mse(Settings s) { return new FbnetVariant(MSE, s.with("network.loss", "mse"), null); }

    @Override public String name() { return name; }

    /** Trained variants depend on the seed; the published model is one model. */
    @Override public boolean seeded() { return published == null; }

    private String modelId(String subject) { return DataRoot.model(settings.get("train.model.name"), subject); }

    @Override
    public List<String> inputs(String subject) { return published == null ? List.of() : List.of(modelId(subject)); }

    @Override
    public Result fit(Subject s, TrainingVertices vertices, long seed) throws IOException {
        FbnetModel model;
        if (published != null) {
            Version v = published.versioned(modelId(s.name())).requireCurrent("fbnet train");
            model = FbnetModel.load(v.path(), published.conf());
        } else {
            NetworkConfig network = NetworkConfig.from(settings, s.inputSize(), s.components(Hemisphere.LH), s.components(Hemisphere.RH));
            model = new FbnetTrainer(network, TrainerConfig.from(settings).withSeed(seed)).fit(List.of(s));
        }
        FbnetModel.Prediction pv = model.predict(s.validation().x(), s.name());
        FbnetModel.Prediction pt = s.test().size() == 0 ? new FbnetModel.Prediction(new float[0][], new float[0][])
                : model.predict(s.test().x(), s.name());
        return new Result(s.decoders().lh().inverseTransform(pv.lh()), s.decoders().rh().inverseTransform(pv.rh()),
                decode(s, Hemisphere.LH, pt.lh()), decode(s, Hemisphere.RH, pt.rh()), model.history());
    }

    private static float[][] decode(Subject s, Hemisphere h, float[][] latents) {
        return latents.length == 0 ? new float[0][] : s.decoders().get(h).inverseTransform(latents);
    }
}
