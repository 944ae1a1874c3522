package org.fbnet.pca;

import java.util.List;
import org.fbnet.config.Settings;

/**
 * Settings of the project stage ({@code conf/pca.properties}, plus {@code train.validation.fraction}).
 *
 * @param image               how the image PCA is fitted
 * @param fmri                how each fMRI PCA is fitted
 * @param embeddings          MODEL/FEATURE of the image embeddings, or null for the only ones present
 * @param includeValidation   fit the fMRI PCA on validation rows too (the original's small leak)
 * @param group               one group fMRI PCA per hemisphere in the common fsaverage space instead of one per subject
 * @param validationFraction  fraction of each subject's training rows held out (first rows)
 * @param reportComponents    numbers of components the reconstruction report measures
 */
public record ProjectConfig(PcaConfig image, PcaConfig fmri, String embeddings, boolean includeValidation, boolean group, double validationFraction, List<Integer> reportComponents) {

    public ProjectConfig {
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("validationFraction=" + validationFraction + " must be in [0, 1)");
        }
        reportComponents = List.copyOf(reportComponents);
    }

    public static ProjectConfig from(Settings s) {
        String emb = s.getOptional("pca.image.embeddings");
        if (emb != null) {
            s.check(emb.split("/").length == 2 && !emb.startsWith("/") && !emb.endsWith("/"), "pca.image.embeddings",
                    "must be MODEL/FEATURE (a directory under embeddings/), or empty for the only embeddings present");
        }
        double vf = s.getDouble("train.validation.fraction");
        s.check(vf >= 0 && vf < 1, "train.validation.fraction", "must be in [0, 1)");
        List<Integer> report = new java.util.ArrayList<>();
        for (String v : s.getList("pca.report.components")) {
            try {
                int k = Integer.parseInt(v);
                s.check(k >= 1, "pca.report.components", "must list positive integers");
                report.add(k);
            } catch (NumberFormatException e) {
                throw s.fail("pca.report.components", "must be a comma-separated list of integers");
            }
        }
        String space = s.get("pca.fmri.space");
        s.check(space.equals("subject") || space.equals("group"), "pca.fmri.space", "must be subject or group");
        return new ProjectConfig(PcaConfig.image(s), PcaConfig.fmri(s), emb, s.getBoolean("pca.fmri.include.validation"), space.equals("group"), vf, report);
    }

    /** The report's component counts that the fMRI PCA can serve, always including its full k. */
    public List<Integer> reportedComponents() {
        java.util.TreeSet<Integer> ks = new java.util.TreeSet<>();
        for (int k : reportComponents) if (k <= fmri.components()) ks.add(k);
        ks.add(fmri.components());
        return List.copyOf(ks);
    }
}
