package org.fbnet.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.fbnet.config.Settings;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {
    private static final Set<String> NONE = Set.of();

    @Test
    void aGlobalUnitIsKeptForNewSubjectsOnlyUntilThePolicySaysOtherwise() {
        Planner.KeepRule never = RefreshPolicy.from(Settings.defaults()).global();
        Set<String> subj03 = Set.of("latents/subject=subj03", "vertices/subject=subj03");
        String reason = never.keep(NONE, subj03, NONE);
        assertNotNull(reason);
        assertTrue(reason.contains("1 new subject(s)") && reason.contains("subj03"), reason);
        assertNull(never.keep(Set.of("latents/subject=subj01"), subj03, NONE), "a changed subject's data remakes it");
        assertNull(never.keep(NONE, NONE, Set.of("latents/subject=subj02")), "a removed subject remakes it");

        Planner.KeepRule everyTwo = RefreshPolicy.from(Settings.defaults().with("run.refresh.global.every", "2")).global();
        assertNotNull(everyTwo.keep(NONE, subj03, NONE));
        assertNull(everyTwo.keep(NONE, Set.of("latents/subject=subj03", "latents/subject=subj04"), NONE), "the second new subject remakes it");

        Planner.KeepRule now = RefreshPolicy.from(Settings.defaults().with("run.refresh.global", "true")).global();
        assertNull(now.keep(NONE, subj03, NONE), "--refresh-global");
    }

    @Test
    void aFineTunedSubjectKeepsItsOldParentOnlyWhenAskedAndOnlyIfNothingElseChanged() {
        String parent = "models/fbnet/pretrained";
        assertNull(RefreshPolicy.from(Settings.defaults()).finetuned(parent).keep(Set.of(parent), NONE, NONE), "refit by default");
        Planner.KeepRule keep = RefreshPolicy.from(Settings.defaults().with("run.refresh.finetuned", "keep")).finetuned(parent);
        assertEquals("kept with its old parent (run.refresh.finetuned=keep)", keep.keep(Set.of(parent), NONE, NONE));
        assertNull(keep.keep(Set.of(parent, "latents/subject=subj01"), NONE, NONE), "its own data changed too");
    }
}
