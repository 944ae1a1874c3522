package org.fbnet.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/**
 * A Dockerfile read as Docker reads it: instructions with their continuation lines joined and comments
 * dropped, grouped into build stages, with the global {@code ARG} defaults and what each {@code COPY} brings
 * into which image path.
 */
final class DockerfileModel {
    record Instruction(String keyword, String arguments, int line) { }

    /** One {@code COPY}: its sources (relative to the build context, or to a stage or image with {@code --from}) and destination. */
    record Copy(String from, List<String> sources, String destination, int line) { }

    record Stage(String name, String base, List<Instruction> instructions) {
        List<Copy> copies() {
            List<Copy> out = new ArrayList<>();
            for (Instruction i : instructions) {
                if (!i.keyword().equals("COPY") && !i.keyword().equals("ADD")) continue;
                List<String> words = new ArrayList<>(List.of(i.arguments().trim().split("\\s+")));
                String from = null;
                while (!words.isEmpty() && words.get(0).startsWith("--")) {
                    String opt = words.remove(0);
                    if (opt.startsWith("--from=")) from = opt.substring("--from=".length());
                }
                String dest = words.remove(words.size() - 1);
                out.add(new Copy(from, List.copyOf(words), dest, i.line()));
            }
            return out;
        }

        /** The exec-form (JSON array) value of an instruction such as CMD or ENTRYPOINT, if the stage has one. */
        @SuppressWarnings("unchecked")
        Optional<List<String>> execForm(String keyword) {
            // The exec form is a JSON array, and JSON is YAML.
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b)
                    .map(i -> List.copyOf((List<String>) new Yaml().load(i.arguments())));
        }
    }

    final Map<String, String> globalArgs = new LinkedHashMap<>();
    final List<Stage> stages = new ArrayList<>();

    static DockerfileModel parse(String text) {
        DockerfileModel m = new DockerfileModel();
        List<Instruction> current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            int first = i + 1;
            StringBuilder joined = new StringBuilder();
            while (t.endsWith("\\") && i + 1 < lines.length) {
                joined.append(t, 0, t.length() - 1).append(' ');
                // Comment lines inside a continued instruction are dropped, as Docker does.
                do { t = lines[++i].strip(); } while (t.startsWith("#") && i + 1 < lines.length);
            }
            joined.append(t);
            String s = joined.toString().strip();
            int sp = s.indexOf(' ');
            Instruction ins = new Instruction(s.substring(0, sp < 0 ? s.length() : sp).toUpperCase(),
                    sp < 0 ? "" : s.substring(sp + 1).strip(), first);
            if (ins.keyword().equals("FROM")) {
                String[] w = ins.arguments().split("\\s+");
                current = new ArrayList<>();
                m.stages.add(new Stage(w.length >= 3 && w[1].equalsIgnoreCase("AS") ? w[2] : null, w[0], current));
            } else if (current == null) {
                if (!ins.keyword().equals("ARG")) throw new IllegalArgumentException("line " + first + ": " + ins.keyword() + " before FROM");
                String[] kv = ins.arguments().split("=", 2);
                m.globalArgs.put(kv[0], kv.length > 1 ? kv[1] : null);
            } else {
                current.add(ins);
            }
        }
        return m;
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst();
    }

    /** The stage that makes the image (the last one). */
    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    /** Every ARG name declared, globally or in a stage. */
    List<String> argNames() {
        List<String> names = new ArrayList<>(globalArgs.keySet());
        for (Stage s : stages) {
            for (Instruction i : s.instructions()) if (i.keyword().equals("ARG")) names.add(i.arguments().split("=", 2)[0]);
        }
        return names;
    }

    /**
     * Where a path of the final image comes from, following {@code COPY --from} through this file's stages:
     * the build-context path (a file, a folder followed by the rest of the path, or a glob) that the longest
     * matching {@code COPY} destination brings there, or empty when no COPY from the build context does
     * (the base image, a downloaded distribution, a RUN).
     */
    Optional<String> contextSource(String imagePath) {
        return contextSource(finalStage(), imagePath);
    }

    private Optional<String> contextSource(Stage stage, String imagePath) {
        Copy best = null;
        String rest = null;
        for (Copy c : stage.copies()) {
            String dest = c.destination();
            String r;
            if (dest.endsWith("/") && imagePath.startsWith(dest)) r = imagePath.substring(dest.length());
            else if (imagePath.equals(dest)) r = "";
            else continue;
            if (best == null || dest.length() >= best.destination().length()) {
                best = c;
                rest = r;
            }
        }
        if (best == null || best.sources().size() != 1) return Optional.empty();
        String src = best.sources().get(0);
        if (best.from() == null) return Optional.of(rest.isEmpty() ? src : (src.endsWith("/") ? src : src + "/") + rest);
        Optional<Stage> from = stage(best.from());
        if (from.isEmpty()) return Optional.empty();
        return contextSource(from.get(), rest.isEmpty() ? src : src + "/" + rest);
    }
}
