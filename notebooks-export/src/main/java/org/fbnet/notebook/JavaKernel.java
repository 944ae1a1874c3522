package org.fbnet.notebook;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

/**
 * A Jupyter kernel for Java: JShell behind JJava's Jupyter protocol library ({@code org.dflib.jjava:jjava-jupyter}).
 * <p>JJava's own JShell kernel is not published on Maven Central at 1.0-a6 (only its protocol library is),
 * so this class is the small part of it we need: cells are evaluated snippet by snippet, the value of a
 * cell's last expression is its result ({@link DisplayData} as is, anything else as text), and errors are
 * reported as Jupyter errors (compile diagnostics or the exception's stack trace). Snippets run in this
 * JVM (JShell's local execution engine), so they see the kernel's class path (fbnet, Spark, DL4J) and its
 * JVM flags (the {@code --add-opens} Spark needs on Java 17); no magics, completion only through JShell.
 * <p>Run as {@code java -cp ... org.fbnet.notebook.JavaKernel CONNECTION_FILE}, as a kernel spec's argv.
 */
public final class JavaKernel extends BaseKernel {
    private final JShell shell;
    private final CapturingControl control;

    private JavaKernel(Builder b, JShell shell, CapturingControl control) {
        super(b.name(), b.version(), new LanguageInfo("java", Runtime.version().toString(), "text/x-java", ".jshell", "java", "java", null),
                List.of(new HelpLink("fbnet notebooks-export", "notebooks-export/README.md")), b.history(), b.io(), b.comms(),
                b.renderer(), new MagicParser("(?<=(?:^|=))\\s*%", "%%", b.transpiler()), b.registry(), false, b.styler());
        this.shell = shell;
        this.control = control;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: JavaKernel CONNECTION_FILE (Jupyter passes {connection_file})");
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        CapturingControl control = new CapturingControl();
        JShell shell = JShell.builder().executionEngine(control.provider(), Map.of()).build();
        // The compiler needs the class path explicitly; classes load from the kernel's loader either way.
        shell.addToClasspath(System.getProperty("java.class.path"));
        JavaKernel kernel = new JavaKernel(new Builder(), shell, control);
        JupyterConnection connection = new JupyterConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        shell.close();
    }

    /** Evaluates a cell's snippets in order; returns the last expression's value (null for statements). */
    @Override
    public Object evalRaw(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code);
        Object last = null;
        while (info.completeness().isComplete()) {
            last = evalSnippet(info.source());
            info = analysis.analyzeCompletion(info.remaining());
        }
        if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
            throw new CellException("incomplete input:\n" + info.remaining().trim());
        }
        return last;
    }

    private Object evalSnippet(String source) {
        Object value = null;
        control.last = null;
        for (SnippetEvent e : shell.eval(source)) {
            if (e.causeSnippet() != null) continue; // an update of an earlier snippet, not this one
            if (e.exception() != null) {
                // The snippet's exception, with its real class and stack (JShell wraps it as EvalException).
                Throwable t = e.exception();
                String kind = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
                throw new CellException(kind + ": " + t.getMessage(), t);
            }
            if (e.status() == Snippet.Status.REJECTED) {
                String diagnostics = shell.diagnostics(e.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT))
                        .collect(Collectors.joining("\n"));
                throw new CellException("does not compile:\n" + source.trim() + "\n" + diagnostics);
            }
            Snippet.SubKind kind = e.snippet().subKind();
            if (kind == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND || kind == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND) {
                value = control.last; // null (void call or null value) shows nothing
            } else {
                value = null;
            }
        }
        return value;
    }

    @Override
    public DisplayData inspect(String code, int at, boolean detail) { return null; }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> s = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor);
        if (s == null || s.isEmpty()) return null;
        return new ReplacementOptions(s.stream().map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList(), anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(code);
        while (info.completeness().isComplete()) info = shell.sourceCodeAnalysis().analyzeCompletion(info.remaining());
        return switch (info.completeness()) {
            case EMPTY, COMPLETE, COMPLETE_WITH_SEMI -> IS_COMPLETE_YES;
            case UNKNOWN -> IS_COMPLETE_BAD;
            default -> "";
        };
    }

    @Override
    public List<String> formatError(Throwable e) {
        List<String> lines = new ArrayList<>(List.of(String.valueOf(e.getMessage()).split("\n")));
        if (e.getCause() != null) lines.addAll(super.formatError(e.getCause()));
        return lines;
    }

    @Override
    public void onShutdown(boolean restarting) {
        super.onShutdown(restarting);
        shell.close();
    }

    /**
     * JShell's in-process execution, keeping the object each snippet returned: JShell itself reports values
     * only as strings, and a cell returning {@link DisplayData} (an image) needs the object.
     */
    static final class CapturingControl extends DirectExecutionControl {
        volatile Object last;

        @Override
        protected String invoke(Method doit) throws Exception {
            Object result = doit.invoke(null);
            last = result;
            return valueString(result);
        }

        ExecutionControlProvider provider() {
            CapturingControl self = this;
            return new ExecutionControlProvider() {
                @Override public String name() { return "fbnet-local"; }

                @Override public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) { return self; }
            };
        }
    }

    /** A cell that did not compile or threw: its message is what the notebook shows. */
    static final class CellException extends RuntimeException {
        CellException(String message) { super(message); }

        CellException(String message, Throwable cause) { super(message, cause); }
    }

    /** Exposes the builder's protected factory methods (the protocol library's defaults). */
    private static final class Builder extends BaseKernelBuilder<Builder, JavaKernel> {
        String name() { return "fbnet-java"; }

        String version() { return "1.0"; }

        org.dflib.jjava.jupyter.kernel.history.HistoryManager history() { return buildHistoryManager(); }

        org.dflib.jjava.jupyter.kernel.JupyterIO io() { return buildJupyterIO(StandardCharsets.UTF_8); }

        org.dflib.jjava.jupyter.kernel.comm.CommManager comms() { return buildCommManager(); }

        org.dflib.jjava.jupyter.kernel.display.Renderer renderer() { return buildRenderer(); }

        org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler transpiler() { return buildMagicTranspiler(); }

        org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry registry() { return buildMagicsRegistry(); }

        org.dflib.jjava.jupyter.kernel.util.StringStyler styler() { return buildErrorStyler(); }

        @Override
        public JavaKernel build() { throw new UnsupportedOperationException("use JavaKernel.main"); }
    }
}
