package org.fbnet.synth;

import org.fbnet.data.Hemisphere;

/**
 * One generated subject held in memory, features-only: the same rows {@link SyntheticDataset} writes
 * (image features and measured fMRI of its training and test images, in row order) plus the truth
 * evaluation needs (noise ceilings) and each hemisphere's fsaverage vertices. For experiments and
 * benchmarks that need no files.
 */
public record SubjectSample(String subject, int[] trainIds, int[] testIds, float[][] trainFeatures, float[][] testFeatures,
                            Hemi lh, Hemi rh) {

    /** One hemisphere: measured responses [images][vertices], ceilings (fractions), fsaverage ids of the vertices. */
    public record Hemi(float[][] train, float[][] test, float[] ceilings, int[] fsaverageIndex) { }

    /** Generates subject {@code subject} (1-based) of {@code truth}'s configuration. */
    public static SubjectSample generate(PlantedTruth truth, int subject) {
        int[] train = truth.ids().train(subject), test = truth.ids().test(subject);
        SubjectBrain lh = truth.brain(subject, Hemisphere.LH), rh = truth.brain(subject, Hemisphere.RH);
        float[][] lhTrain = new float[train.length][lh.size()], rhTrain = new float[train.length][rh.size()];
        float[][] lhTest = new float[test.length][lh.size()], rhTest = new float[test.length][rh.size()];
        float[][] fTrain = responses(truth, train, SubjectBrain.Split.TRAIN, lh, rh, lhTrain, rhTrain);
        float[][] fTest = responses(truth, test, SubjectBrain.Split.TEST, lh, rh, lhTest, rhTest);
        return new SubjectSample(SynthConfig.subjectId(subject), train, test, fTrain, fTest,
                new Hemi(lhTrain, lhTest, lh.ceilings(), lh.vertices()), new Hemi(rhTrain, rhTest, rh.ceilings(), rh.vertices()));
    }

    /** Fills both hemispheres' rows of {@code ids} and returns the images' features. */
    private static float[][] responses(PlantedTruth truth, int[] ids, SubjectBrain.Split split, SubjectBrain lh, SubjectBrain rh,
                                       float[][] lhOut, float[][] rhOut) {
        float[][] features = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            ImageDraw d = truth.draw(ids[i]);
            double[] c = truth.channels(d);
            lh.response(c, split, i, lhOut[i]);
            rh.response(c, split, i, rhOut[i]);
            features[i] = truth.features(d);
        }
        return features;
    }
}
