package org.fbnet.testing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM running a test class's {@code main} with this test JVM's class path and flags. */
public final class ChildJvm {
    private ChildJvm() { }

    public static List<String> command(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // The test JVM's own flags (heap, --add-opens), minus agents such as a debugger's or a coverage tool's.
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
