package org.fbnet.spark;

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
 * Pins an executor task to the GPU Spark assigned it, on ND4J's CUDA backend: used by the CLIP embedding
 * tasks and the dl4j-spark pre-training workers alike.
 * <p>ND4J's CUDA affinity manager otherwise spreads new threads round-robin over every visible GPU,
 * so two executors sharing a machine would both use all GPUs (STACK.md "GPU-aware scheduling").
 * Spark's address (from its discovery script) is a physical id; ND4J numbers the devices it can see,
 * which {@code CUDA_VISIBLE_DEVICES} may restrict and reorder. ND4J still initialises a context on each
 * GPU it can see: for strict isolation, executors should see only their GPU (YARN and Kubernetes set
 * {@code CUDA_VISIBLE_DEVICES} or mount one device). Not run on a GPU: there is none on our machines; a
 * standalone-cluster test with fake GPUs checks the choice and its log line on the CPU backend.
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
     * What a task thread was bound to: the GPU addresses Spark assigned the task, the ND4J device chosen
     * for them, and whether ND4J was actually pinned (false on the CPU backend, where the choice is only logged).
     */
    public record Binding(List<String> sparkAddresses, int device, boolean pinned) implements java.io.Serializable {
        static final Binding NONE = new Binding(List.of(), -1, false);

        public String describe() {
            if (sparkAddresses.isEmpty()) return "no GPU assigned";
            return "GPU " + String.join(",", sparkAddresses) + " -> ND4J device " + device + (pinned ? "" : " (CPU backend: not bound)");
        }
    }

    /**
     * Binds the calling thread to its task's GPU; call before the thread's first ND4J op. On the CPU backend
     * the same choice is made and logged but nothing is bound, so the path can be checked without a GPU.
     */
    public static Binding pinCurrentThread() {
        List<String> addrs = taskGpuAddresses();
        boolean cpu = Nd4j.getEnvironment().isCPU();
        if (cpu && addrs.isEmpty()) return Binding.NONE;
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        // The CPU backend sees no devices: the count is unknown there, so only the address rule is checked.
        int device = select(addrs, visible, cpu ? Integer.MAX_VALUE : Nd4j.getAffinityManager().getNumberOfDevices());
        Binding b = new Binding(addrs, device, !cpu);
        LOG.info("task GPU binding: {} (Spark addresses {}, CUDA_VISIBLE_DEVICES={})", b.describe(), addrs, visible);
        if (!cpu) Nd4j.getAffinityManager().unsafeSetDevice(device);
        return b;
    }
}
