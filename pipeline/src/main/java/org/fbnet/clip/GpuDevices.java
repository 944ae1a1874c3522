package org.fbnet.clip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins an executor task to the GPU Spark assigned it, on ND4J's CUDA backend.
 * <p>ND4J's CUDA affinity manager otherwise spreads new threads round-robin over every visible GPU,
 * so two executors sharing a machine would both use all GPUs (STACK.md "GPU-aware scheduling").
 * Spark's address (from its discovery script) is a physical id; ND4J numbers the devices it can see,
 * which {@code CUDA_VISIBLE_DEVICES} may restrict and reorder. ND4J still initialises a context on each
 * GPU it can see: for strict isolation, executors should see only their GPU (YARN and Kubernetes set
 * {@code CUDA_VISIBLE_DEVICES} or mount one device). Not run on a GPU: there is none on our machines.
 */
public final class GpuDevices {
    private static final Logger LOG = LoggerFactory.getLogger(GpuDevices.class);

    private GpuDevices() { }

    /**
     * The ND4J device index a task must use.
     * @param sparkAddresses the task's {@code gpu} resource addresses (empty when Spark assigned none)
     * @param cudaVisibleDevices the environment variable's value, or null when unset
     * @param deviceCount how many devices ND4J sees
     */
    public static int select(List<String> sparkAddresses, String cudaVisibleDevices, int deviceCount) {
        if (deviceCount <= 0) throw new IllegalStateException("ND4J sees no GPU device");
        List<String> visible = cudaVisibleDevices == null || cudaVisibleDevices.isBlank() ? null
                : Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (sparkAddresses.isEmpty()) {
            // No GPU scheduling (local mode, or spark.task.resource.gpu.amount unset): one device for
            // everything, never a spread over all of them.
            return 0;
        }
        String addr = sparkAddresses.get(0).trim();
        if (visible != null) {
            int pos = visible.indexOf(addr);
            if (pos >= 0 && pos < deviceCount) return pos;
            // A container that sees only its own GPUs: the discovery script numbers them 0..n-1 itself.
            Integer n = parse(addr);
            if (n != null && n < Math.min(visible.size(), deviceCount)) return n;
            throw new IllegalStateException("Spark assigned GPU '" + addr + "' but CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices
                    + " does not contain it; make the GPU discovery script report ids from that list");
        }
        Integer n = parse(addr);
        if (n == null) {
            throw new IllegalStateException("Spark assigned GPU '" + addr + "', which is not a device number; "
                    + "make the GPU discovery script report CUDA device ordinals (0, 1, ...)");
        }
        if (n >= deviceCount) {
            throw new IllegalStateException("Spark assigned GPU " + n + " but ND4J sees only " + deviceCount + " device(s)");
        }
        return n;
    }

    private static Integer parse(String s) {
        try {
            int n = Integer.parseInt(s);
            return n >= 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The current Spark task's GPU addresses, or an empty list outside a task or without GPU scheduling. */
    static List<String> taskGpuAddresses() {
        TaskContext tc = TaskContext.get();
        if (tc == null) return List.of();
        Map<String, ResourceInformation> res = tc.resourcesJMap();
        ResourceInformation gpu = res == null ? null : res.get("gpu");
        return gpu == null ? List.of() : new ArrayList<>(Arrays.asList(gpu.addresses()));
    }

    /**
     * On a CUDA backend, binds the calling thread to its task's GPU; call before the thread's first ND4J op.
     * Returns the ND4J device it bound, or empty on the CPU backend, where it does nothing.
     */
    public static OptionalInt pinCurrentThread() {
        if (Nd4j.getEnvironment().isCPU()) return OptionalInt.empty();
        List<String> addrs = taskGpuAddresses();
        int device = select(addrs, System.getenv("CUDA_VISIBLE_DEVICES"), Nd4j.getAffinityManager().getNumberOfDevices());
        LOG.info("task GPU {} (Spark addresses {}, CUDA_VISIBLE_DEVICES={}): ND4J device {}", addrs.isEmpty() ? "none" : addrs.get(0),
                addrs, System.getenv("CUDA_VISIBLE_DEVICES"), device);
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        return OptionalInt.of(device);
    }
}
