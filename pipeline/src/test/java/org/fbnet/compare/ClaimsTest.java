package org.fbnet.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fbnet.compare.Claims.Claim;
import org.fbnet.compare.Claims.Status;
import org.fbnet.compare.Claims.Verdict;
import org.junit.jupiter.api.Test;

class ClaimsTest {
    private static final Claims.Data TWO_SUBJECTS = new Claims.Data(Map.of("subj01", 1425, "subj02", 1400),
            Map.of("subj01", 200, "subj02", 200), true, Map.of("validation", 6.5, "test", 1.25));

    private static ComparisonTable.Row row(String variant, String seed, Double valScore, Double valR, Double testScore, Double testR) {
        return new ComparisonTable.Row(variant, seed, valScore, valR, testScore, testR, 1.0);
    }

    private static Verdict verdict(List<Verdict> all, Claim c) {
        return all.stream().filter(v -> v.claim() == c).findFirst().orElseThrow();
    }

    @Test
    void eachClaimComparesItsTwoRowsOnTheTestScore() {
        ComparisonTable t = new ComparisonTable(List.of(
                row("fbnet", "-", 19.0, 0.16, 16.5, 0.17),
                row("no-pretrain", "0", 18.0, 0.14, 14.1, 0.15),
                row("mse", "0", 13.9, 0.09, 10.4, 0.09),
                row("ridge", "-", 23.8, 0.21, 17.0, 0.18)));
        List<Verdict> v = Claims.check(t, TWO_SUBJECTS);
        assertEquals(3, v.size());

        Verdict ridge = verdict(v, Claim.FBNET_VS_RIDGE);
        assertEquals(Status.DOES_NOT_HOLD, ridge.status());
        assertEquals("test", ridge.split());
        assertEquals("score", ridge.measure());
        assertEquals(-0.5, ridge.margin(), 1e-12);
        assertEquals("F-BNet ahead of ridge (fbnet vs ridge), test score: does not hold, ridge ahead by 0.50 points (16.50 vs 17.00):"
                + " on 1400-1425 training images per subject the linear baseline wins; the paper's margin was measured on 8779-9841"
                + " per subject (NSD)", ridge.text());

        Verdict loss = verdict(v, Claim.RACING_VS_MSE);
        assertEquals(Status.HOLDS, loss.status());
        assertEquals(14.1, loss.value(), 1e-12);
        assertEquals(10.4, loss.other(), 1e-12);
        assertTrue(loss.text().startsWith("racing loss ahead of MSE (no-pretrain vs mse; both trained per subject from scratch,"
                + " the loss is the only difference), test score: holds, racing loss ahead by 3.70 points (14.10 vs 10.40)"), loss.text());

        Verdict pre = verdict(v, Claim.PRETRAINING_VS_NONE);
        assertEquals(Status.HOLDS, pre.status());
        assertEquals(2.4, pre.margin(), 1e-12);

        String summary = Claims.summary(v, TWO_SUBJECTS);
        assertTrue(summary.startsWith("The paper's claims on this comparison (2 subject(s), 1400-1425 training images per subject,"
                + " scored on 200 test images per subject; score = noise-normalized accuracy in %, which predictions unrelated to the"
                + " responses reach 1.25 on average on these images):\n"), summary);
        assertEquals(5, summary.split("\n").length, "heading, three claims, the seed caveat:\n" + summary);
        assertTrue(summary.endsWith("a margin of a point or so can move with the seed)\n"), summary);
    }

    @Test
    void withoutTestTruthTheValidationRowsDecideAndWithoutCeilingsMeanR() {
        ComparisonTable t = new ComparisonTable(List.of(
                row("fbnet", "-", null, 0.30, null, null),
                row("ridge", "-", null, 0.25, null, null)));
        Claims.Data data = new Claims.Data(Map.of("subj01", 9000), Map.of("subj01", 0), true, Map.of());
        List<Verdict> v = Claims.check(t, data);
        Verdict ridge = verdict(v, Claim.FBNET_VS_RIDGE);
        assertEquals(Status.HOLDS, ridge.status());
        assertEquals("validation", ridge.split());
        assertEquals("r", ridge.measure());
        assertTrue(ridge.text().endsWith("validation r: holds, F-BNet ahead by 0.0500 in r (0.3000 vs 0.2500)"), ridge.text());
        String summary = Claims.summary(v, data);
        assertTrue(summary.contains("scored on the validation rows: no test truth; score = noise-normalized accuracy in %):"), summary);
    }

    @Test
    void aVariantRunWithSeveralSeedsIsComparedByItsSeedMean() {
        ComparisonTable t = new ComparisonTable(List.of(
                row("no-pretrain", "0", 1.0, 0.1, 30.0, 0.3),
                row("no-pretrain", "1", 1.0, 0.1, 10.0, 0.1),
                row("mse", "0", 1.0, 0.1, 25.0, 0.25),
                row("mse", "1", 1.0, 0.1, 25.0, 0.25))).withSeedMeans();
        Verdict loss = verdict(Claims.check(t, TWO_SUBJECTS), Claim.RACING_VS_MSE);
        assertEquals(Status.DOES_NOT_HOLD, loss.status(), "mean 20 vs 25, though seed 0 alone would win");
        assertEquals(20.0, loss.value(), 1e-12);
    }

    @Test
    void aMissingRowOrAModelTrainedWithoutPretrainingLeavesTheClaimUntested() {
        ComparisonTable t = new ComparisonTable(List.of(row("fbnet", "-", 1.0, 0.1, 2.0, 0.2), row("no-pretrain", "0", 1.0, 0.1, 1.0, 0.1)));
        List<Verdict> v = Claims.check(t, new Claims.Data(Map.of("subj01", 100), Map.of("subj01", 10), false, Map.of()));
        assertEquals(Status.NOT_TESTED, verdict(v, Claim.FBNET_VS_RIDGE).status());
        assertTrue(verdict(v, Claim.FBNET_VS_RIDGE).text().contains("no ridge row (eval.compare.variants)"));
        assertEquals(Status.NOT_TESTED, verdict(v, Claim.RACING_VS_MSE).status());
        Verdict pre = verdict(v, Claim.PRETRAINING_VS_NONE);
        assertEquals(Status.NOT_TESTED, pre.status(), "fbnet ahead, but it was not pre-trained: nothing said about pre-training");
        assertTrue(pre.text().contains("trained without pre-training"), pre.text());
    }

    @Test
    void twoRowsAtChanceLeaveTheClaimUntestedButOneAboveChanceDecides() {
        ComparisonTable t = new ComparisonTable(List.of(
                row("fbnet", "-", 21.5, 0.0, 8.8, 0.01),
                row("no-pretrain", "0", 21.4, 0.0, 7.11, 0.0),
                row("mse", "0", 21.4, 0.0, 7.05, 0.0),
                row("ridge", "-", 27.3, 0.11, 14.75, 0.12)));
        Claims.Data data = new Claims.Data(Map.of("subj01", 152), Map.of("subj01", 30), true, Map.of("test", 7.58));
        List<Verdict> v = Claims.check(t, data);
        Verdict loss = verdict(v, Claim.RACING_VS_MSE);
        assertEquals(Status.NOT_TESTED, loss.status(), "7.11 vs 7.05 with chance at 7.58");
        assertTrue(loss.text().endsWith("test score: not tested, neither learned the responses (7.11 and 7.05, no more than chance, 7.58)"),
                loss.text());
        assertEquals(Status.HOLDS, verdict(v, Claim.PRETRAINING_VS_NONE).status(), "8.80 is above chance, 7.11 is not");
        assertEquals(Status.DOES_NOT_HOLD, verdict(v, Claim.FBNET_VS_RIDGE).status());
    }

    @Test
    void aTieIsNotAWin() {
        ComparisonTable t = new ComparisonTable(List.of(row("fbnet", "-", 1.0, 0.1, 5.0, 0.2), row("ridge", "-", 1.0, 0.1, 5.0, 0.2)));
        Verdict ridge = verdict(Claims.check(t, TWO_SUBJECTS), Claim.FBNET_VS_RIDGE);
        assertEquals(Status.DOES_NOT_HOLD, ridge.status());
        assertTrue(ridge.text().endsWith("does not hold, tied at 5.00"), ridge.text());
    }

    @Test
    void aTableReadBackFromItsMapsIsTheSameTable() {
        ComparisonTable t = new ComparisonTable(List.of(row("fbnet", "-", 1.5, 0.1, null, null), row("mse", "0", null, 0.2, 3.0, 0.3)));
        assertEquals(t, ComparisonTable.fromMaps(t.rowsAsMaps()));
    }
}
