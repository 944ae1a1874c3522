package org.fbnet.jobs;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code fbnet bench NAME}: runs one of the benchmarks (never part of the tests) and prints its numbers.
 * Each benchmark is a {@link Benchmark} registered in {@link #benchmarks()}.
 */
public final class BenchCommand implements Command {
    /** A named benchmark with its own flags, read from the remaining arguments. */
    public interface Benchmark {
        String name();

        String summary();

        int run(String[] args) throws Exception;
    }

    static Map<String, Benchmark> benchmarks() {
        Map<String, Benchmark> m = new TreeMap<>();
        for (Benchmark b : List.<Benchmark>of(
                new ClipBenchmark(),
                new IngestBenchmark(),
                new PcaBenchmark(),
                new PreprocessBenchmark(),
                new PretrainBenchmark(),
                new PretrainGainBenchmark(),
                new MemoryBenchmark(),
                new FanoutBenchmark(),
                new RidgeBenchmark(),
                new SynthBenchmark(),
                new TrainBenchmark())) {
            m.put(b.name(), b);
        }
        return m;
    }

    @Override public String name() { return "bench"; }

    @Override public String summary() { return "run a benchmark: fbnet bench NAME [args] (fbnet bench --help lists them)"; }

    @Override public List<Flag> flags() { return List.of(); }

    @Override
    public int run(CliArgs args) {
        throw new IllegalStateException("bench dispatches on raw arguments; see runRaw");
    }

    @Override
    public boolean takesRawArguments() { return true; }

    /** Called by {@link Fbnet} with the arguments after "bench". */
    @Override
    public int runRaw(String[] argv) throws Exception {
        Map<String, Benchmark> all = benchmarks();
        if (argv.length == 0 || argv[0].equals("--help") || !all.containsKey(argv[0])) {
            StringBuilder sb = new StringBuilder("usage: fbnet bench NAME [options]\n\nbenchmarks:\n");
            all.values().forEach(b -> sb.append(String.format("  %-14s %s%n", b.name(), b.summary())));
            System.out.println(sb);
            return argv.length > 0 && argv[0].equals("--help") ? ExitCode.OK.code : ExitCode.USAGE.code;
        }
        return all.get(argv[0]).run(java.util.Arrays.copyOfRange(argv, 1, argv.length));
    }
}
