package org.fbnet.stage;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fbnet.config.Settings;

/**
 * When the units made from every subject (the image PCA, pre-training) are remade as subjects arrive, and
 * what that does to subjects already fine-tuned. From {@code conf/run.properties}:
 * <ul>
 * <li>a global unit is remade when its settings change, when an input of a subject it was made from
 * changes, on demand ({@code run.refresh.global=true}, {@code --refresh-global}), or once
 * {@code run.refresh.global.every} new subjects have arrived since it was made (0: never for new
 * subjects alone); otherwise new subjects reuse it, so their latents share one image space;</li>
 * <li>when the pre-trained network is remade, subjects already fine-tuned are fine-tuned again from it
 * ({@code run.refresh.finetuned=refit}) or keep their model and its old parent ({@code keep}); their
 * manifest names the parent version either way.</li>
 * </ul>
 */
public record RefreshPolicy(int everyNewSubjects, boolean refreshNow, boolean refitFinetuned) {
    private static final Pattern SUBJECT = Pattern.compile("subject=([^/]+)");

    public static RefreshPolicy from(Settings s) {
        String fin = s.get("run.refresh.finetuned");
        s.check(fin.equals("refit") || fin.equals("keep"), "run.refresh.finetuned", "must be refit or keep");
        return new RefreshPolicy(s.intAtLeast("run.refresh.global.every", 0), s.getBoolean("run.refresh.global"), fin.equals("refit"));
    }

    /** The rule of a global unit: keep it when only new subjects were added, fewer than the policy's count. */
    public Planner.KeepRule global() {
        return (changed, added, removed) -> {
            if (refreshNow || !changed.isEmpty() || !removed.isEmpty() || added.isEmpty()) return null;
            Set<String> subjects = subjects(added);
            if (everyNewSubjects > 0 && subjects.size() >= everyNewSubjects) return null;
            return "kept: " + subjects.size() + " new subject(s) since it was made (" + String.join(", ", subjects)
                    + "); remade with --refresh-global" + (everyNewSubjects > 0 ? " or after " + everyNewSubjects + " new subjects" : "");
        };
    }

    /** The rule of a subject's fine-tune: with {@code keep}, a new parent alone does not remake it. */
    public Planner.KeepRule finetuned(String parentId) {
        return (changed, added, removed) -> !refitFinetuned && changed.equals(Set.of(parentId)) && added.isEmpty() && removed.isEmpty()
                ? "kept with its old parent (run.refresh.finetuned=keep)" : null;
    }

    static Set<String> subjects(Set<String> ids) {
        Set<String> out = new TreeSet<>();
        for (String id : ids) {
            Matcher m = SUBJECT.matcher(id);
            if (m.find()) out.add(m.group(1));
        }
        return out;
    }
}
