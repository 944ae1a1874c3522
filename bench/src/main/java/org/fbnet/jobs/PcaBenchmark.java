package org.fbnet.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.data.npy.NpyDtype;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.pca.PcaConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.RandomizedPca;
import org.fbnet.spark.SparkSessions;
import org.fbnet.store.HadoopConf;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code fbnet bench pca}: fbnet's randomized PCA against scikit-learn's
 * {@code PCA(svd_solver='randomized')} on the same float32 matrices, same thread count, same
 * oversampling and power iterations, in one run.
 * <p>numpy generates each matrix with a controlled spectrum (eigenvalues ~ 1/i over 2k directions
 * plus an isotropic noise floor carrying as much variance as the signal) and saves it as NPY; fbnet
 * loads it and fits (the local path, and with {@code --spark} also Spark passes over cached blocks
 * on local[threads]); then a separate python process fits scikit-learn and scores both models the
 * same way: variance captured by each set of components, as a fraction of the total. Times are fit
 * times only (not loading); memory is each process's peak resident set (VmHWM / ru_maxrss), data
 * included. Each side reports its fastest of {@code --repeats} fits: on a shared machine single
 * timings swing by 2-3x; say so next to any number.
 */
final class PcaBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "pca"; }

    @Override public String summary() { return "randomized PCA vs scikit-learn (fMRI-hemisphere and image-feature sized matrices)"; }

    @Override
    public int run(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        int rows = Integer.parseInt(a.getOrDefault("--rows", "9841"));
        List<Integer> columns = ints(a.getOrDefault("--columns", "20544,38400"));
        List<Integer> components = ints(a.getOrDefault("--components", "75,300"));
        if (columns.size() != components.size()) throw new IllegalArgumentException("--columns and --components must pair up");
        int threads = Integer.parseInt(a.getOrDefault("--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        int oversampling = Integer.parseInt(a.getOrDefault("--oversampling", "10"));
        int iterations = Integer.parseInt(a.getOrDefault("--iterations", "7"));
        boolean spark = Boolean.parseBoolean(a.getOrDefault("--spark", "false"));
        int repeats = Integer.parseInt(a.getOrDefault("--repeats", "2"));
        String python = a.getOrDefault("--python", "/usr/bin/python3");
        Path work = Files.createTempDirectory(Path.of(a.getOrDefault("--work-dir", System.getProperty("java.io.tmpdir"))), "fbnet-bench-pca");
        Nd4j.factory().blas().setMaxThreads(threads);
        System.out.printf(Locale.ROOT, "bench pca: %d rows; threads %d (ND4J BLAS %d, OMP_NUM_THREADS=%s); oversampling %d, power iterations %d; %s%n",
                rows, threads, Nd4j.factory().blas().getMaxThreads(), System.getenv("OMP_NUM_THREADS"), oversampling, iterations,
                "load average " + Files.readString(Path.of("/proc/loadavg")).trim());
        List<String> table = new ArrayList<>();
        table.add("| matrix | k | implementation | fit s | peak RSS GB | explained variance (own) | captured variance (same scorer) | time ratio vs sklearn |");
        table.add("|---|---|---|---|---|---|---|---|");
        try {
            for (int c = 0; c < columns.size(); c++) {
                table.addAll(runCase(rows, columns.get(c), components.get(c), threads, oversampling, iterations, spark, repeats, python, work));
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println();
        table.forEach(System.out::println);
        return 0;
    }

    private List<String> runCase(int n, int d, int k, int threads, int p, int q, boolean spark, int repeats, String python, Path work)
            throws Exception {
        Path x = work.resolve("x-" + d + ".npy");
        long t0 = System.nanoTime();
        python(python, threads, GENERATE, x.toString(), String.valueOf(n), String.valueOf(d), String.valueOf(k));
        System.out.printf(Locale.ROOT, "%n%d x %d, k=%d: generated in %.1f s%n", n, d, k, (System.nanoTime() - t0) / 1e9);

        PcaConfig cfg = new PcaConfig(k, p, q, 0L, 512, 0, 0);
        // fbnet, one JVM: the header is validated by our reader (ND4J misreads Fortran order, aborts on big-endian)
        try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(x.toUri()), HadoopConf.create())) {
            if (r.header().dtype() != NpyDtype.FLOAT32 || r.rows() != n || r.rowLength() != d) throw new IOException(x + ": unexpected " + r.header());
        }
        // On a shared machine single timings swing by 2-3x: each side reports its fastest of several fits.
        PcaModel local = null;
        double localSecs = Double.MAX_VALUE;
        long rssBefore = 0;
        List<String> localTimes = new ArrayList<>();
        for (int rep = 0; rep < repeats; rep++) {
            INDArray m = load(x, n, d);
            rssBefore = Math.max(rssBefore, peakRss());
            long t1 = System.nanoTime();
            local = new RandomizedPca(cfg).fitInPlace(m, "bench " + d);
            double secs = (System.nanoTime() - t1) / 1e9;
            localTimes.add(String.format(Locale.ROOT, "%.1f", secs));
            localSecs = Math.min(localSecs, secs);
        }
        long rssLocal = peakRss();
        Path localComps = work.resolve("fbnet-" + d + ".npy");
        saveComponents(local, localComps);
        Map<String, Double> res = new LinkedHashMap<>();
        res.put("fbnet local", localSecs);

        Path sparkComps = null;
        double sparkSecs = Double.NaN;
        if (spark) {
            SparkSession s = SparkSessions.getOrCreate("bench", Settings.defaults().with("spark.local.master", "local[" + threads + "]"));
            // Rows are read from the NPY file inside the tasks, as a real job reads its input from storage.
            List<int[]> ranges = new ArrayList<>();
            int parts = threads * 4;
            for (int i = 0; i < parts; i++) ranges.add(new int[] {(int) ((long) n * i / parts), (int) ((long) n * (i + 1) / parts)});
            String file = x.toUri().toString();
            JavaRDD<float[]> rdd = JavaSparkContext.fromSparkContext(s.sparkContext()).parallelize(ranges, parts)
                    .flatMap(r -> readRows(file, r[0], r[1]).iterator());
            long t2 = System.nanoTime();
            PcaModel dist = new RandomizedPca(cfg.withLocalMaxValues(0)).fit(rdd, "bench spark " + d);
            sparkSecs = (System.nanoTime() - t2) / 1e9;
            sparkComps = work.resolve("spark-" + d + ".npy");
            saveComponents(dist, sparkComps);
        }
        long rssAll = peakRss();

        String out = python(python, threads, SKLEARN, x.toString(), String.valueOf(k), String.valueOf(p), String.valueOf(q),
                localComps.toString(), sparkComps == null ? "-" : sparkComps.toString(), String.valueOf(repeats));
        Map<String, String> py = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) py.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        double skSecs = Double.parseDouble(py.get("sklearn_fit_s"));
        String name = n + " x " + d;
        List<String> rowsOut = new ArrayList<>();
        rowsOut.add(String.format(Locale.ROOT, "| %s | %d | scikit-learn %s | %.1f | %.2f | %.5f | %.5f | 1.00 |", name, k, py.get("sklearn_version"), skSecs,
                Long.parseLong(py.get("sklearn_peak_rss_kb")) / 1048576.0, Double.parseDouble(py.get("sklearn_explained")),
                Double.parseDouble(py.get("sklearn_captured"))));
        rowsOut.add(String.format(Locale.ROOT, "| %s | %d | fbnet local (ND4J) | %.1f | %.2f | %.5f | %.5f | %.2f |", name, k, localSecs,
                rssLocal / 1048576.0, sum(local.explainedVarianceRatio()), Double.parseDouble(py.get("fbnet_captured")), localSecs / skSecs));
        if (spark) {
            rowsOut.add(String.format(Locale.ROOT, "| %s | %d | fbnet Spark local[%d] | %.1f | %.2f | - | %.5f | %.2f |", name, k, threads, sparkSecs,
                    rssAll / 1048576.0, Double.parseDouble(py.get("spark_captured")), sparkSecs / skSecs));
        }
        System.out.printf(Locale.ROOT, "  fbnet local fits %s s; JVM peak RSS after loading %.2f GB, after the local fits %.2f GB; python: %s%n",
                localTimes, rssBefore / 1048576.0, rssLocal / 1048576.0, py);
        rowsOut.forEach(System.out::println);
        Files.deleteIfExists(x);
        return rowsOut;
    }

    /** Streams the NPY rows into one off-heap matrix, as np.load reads into one array (no second copy). */
    private static INDArray load(Path file, int n, int d) throws IOException {
        INDArray m = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, new long[] {n, d}, 'c');
        try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(file.toUri()), HadoopConf.create())) {
            float[] chunk = new float[256 * d];
            int done = 0, got;
            while ((got = r.readRows(chunk)) > 0) {
                m.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(done, done + got), org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .assign(Nd4j.create(java.util.Arrays.copyOf(chunk, got * d), new long[] {got, d}, 'c'));
                done += got;
            }
        }
        return m;
    }

    private static List<float[]> readRows(String file, int from, int to) throws IOException {
        List<float[]> out = new ArrayList<>(to - from);
        try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(file), HadoopConf.create())) {
            r.seekToRow(from);
            for (int i = from; i < to; i++) {
                float[] row = new float[r.rowLength()];
                r.readRows(row);
                out.add(row);
            }
        }
        return out;
    }

    private static void saveComponents(PcaModel m, Path file) throws IOException {
        float[] flat = new float[m.components() * m.dimension()];
        for (int c = 0; c < m.components(); c++) System.arraycopy(m.component(c), 0, flat, c * m.dimension(), m.dimension());
        NpyWriter.write(new org.apache.hadoop.fs.Path(file.toUri()), HadoopConf.create(), flat, m.components(), m.dimension());
    }

    /** Peak resident set of this process in KB (Linux VmHWM). */
    private static long peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    private static String python(String python, int threads, String script, String... args) throws Exception {
        Path f = Files.createTempFile("fbnet-bench", ".py");
        Files.writeString(f, script);
        List<String> cmd = new ArrayList<>(List.of(python, f.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) pb.environment().put(v, String.valueOf(threads));
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(2, TimeUnit.HOURS) || proc.exitValue() != 0) throw new IOException("python " + script.lines().findFirst().orElse("") + " failed:\n" + out);
        Files.deleteIfExists(f);
        return out;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("fbnet bench pca [--rows 9841] [--columns 20544,38400] [--components 75,300] [--threads N]\n"
                        + "                [--oversampling 10] [--iterations 7] [--repeats 2] [--spark true] [--python /usr/bin/python3] [--work-dir DIR]");
                System.exit(0);
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --flag value, got " + args[i]);
            m.put(args[i], args[++i]);
        }
        return m;
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }

    /** numpy: X = U diag(sqrt(lambda (n-1))) V^T + noise + mean, lambda_i = 1/i over 2k directions, noise variance = signal variance. */
    private static final String GENERATE = String.join("\n",
            "# generate a float32 matrix with a controlled spectrum",
            "import sys, numpy as np",
            "path, n, d, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])",
            "rng = np.random.default_rng(12345)",
            "r = 2 * k",
            "lam = 1.0 / np.arange(1, r + 1)",
            "u, _ = np.linalg.qr(rng.standard_normal((n, r), dtype=np.float32) - 0)",
            "u -= u.mean(axis=0)",
            "v, _ = np.linalg.qr(rng.standard_normal((d, r), dtype=np.float32))",
            "x = (u * np.sqrt(lam * (n - 1)).astype(np.float32)) @ v.T",
            "sigma = np.sqrt(lam.sum() / d)",
            "for i in range(0, n, 1024):",
            "    x[i:i + 1024] += sigma * rng.standard_normal((min(1024, n - i), d), dtype=np.float32)",
            "x += rng.standard_normal(d, dtype=np.float32)",
            "np.save(path, x.astype(np.float32))",
            "");

    /** scikit-learn's randomized PCA, then the same scorer for every model's components. */
    private static final String SKLEARN = String.join("\n",
            "# fit scikit-learn randomized PCA and score captured variance",
            "import sys, time, resource, numpy as np, sklearn",
            "from sklearn.decomposition import PCA",
            "path, k, p, q, fb, sp, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], int(sys.argv[7])",
            "x = np.load(path)",
            "times = []",
            "for rep in range(reps):",
            "    t = time.perf_counter()",
            "    pca = PCA(n_components=k, svd_solver='randomized', n_oversamples=p, iterated_power=q, random_state=0).fit(x)",
            "    times.append(time.perf_counter() - t)",
            "secs = min(times)",
            "# VmHWM, not ru_maxrss: a child spawned by the JVM inherits the JVM's resident set in ru_maxrss",
            "rss = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]",
            "mean = x.mean(axis=0, dtype=np.float64)",
            "total = 0.0",
            "for i in range(0, x.shape[0], 1024):",
            "    b = x[i:i + 1024].astype(np.float64) - mean",
            "    total += (b * b).sum()",
            "def captured(c):",
            "    c = c.astype(np.float64)",
            "    s = 0.0",
            "    for i in range(0, x.shape[0], 1024):",
            "        z = (x[i:i + 1024].astype(np.float64) - mean) @ c.T",
            "        s += (z * z).sum()",
            "    return s / total",
            "print('sklearn_version=' + sklearn.__version__)",
            "print('sklearn_fit_s=%r' % secs)",
            "print('sklearn_fits_s=' + ' '.join('%.1f' % t for t in times))",
            "print('sklearn_peak_rss_kb=%d' % rss)",
            "print('sklearn_explained=%r' % float(pca.explained_variance_ratio_.sum()))",
            "print('sklearn_captured=%r' % captured(pca.components_))",
            "print('fbnet_captured=%r' % captured(np.load(fb)))",
            "if sp != '-': print('spark_captured=%r' % captured(np.load(sp)))",
            "");
}
