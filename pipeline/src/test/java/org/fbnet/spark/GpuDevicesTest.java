package org.fbnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

/** The pure device-selection rule, and pinning on the CPU backend; no GPU exists on our machines, so pinning to one is not exercised. */
class GpuDevicesTest {
    @Test
    void sparkAddressIsTheDeviceWhenEveryGpuIsVisible() {
        assertEquals(3, GpuDevices.select(List.of("3"), null, 4));
        assertEquals(0, GpuDevices.select(List.of("0"), "", 4));
    }

    @Test
    void sparkAddressIsLookedUpInCudaVisibleDevicesWhichRenumbersThem() {
        // Physical GPUs 2 and 5 visible: ND4J calls them 0 and 1.
        assertEquals(1, GpuDevices.select(List.of("5"), "2,5", 2));
        assertEquals(0, GpuDevices.select(List.of("2"), " 2 , 5 ", 2));
        assertEquals(0, GpuDevices.select(List.of("GPU-8f1c"), "GPU-8f1c", 1));
    }

    @Test
    void aContainerThatSeesOnlyItsGpuMayReportItAsZero() {
        assertEquals(0, GpuDevices.select(List.of("0"), "7", 1));
    }

    @Test
    void withoutSparkGpuSchedulingEveryTaskUsesOneDeviceNotAll() {
        assertEquals(0, GpuDevices.select(List.of(), null, 8));
        assertEquals(0, GpuDevices.select(List.of(), "3,4", 2));
    }

    @Test
    void impossibleAssignmentsFailWithTheFix() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GpuDevices.select(List.of("4"), null, 2));
        assertTrue(e.getMessage().contains("only 2 device"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> GpuDevices.select(List.of("6"), "2,5", 2));
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES=2,5"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> GpuDevices.select(List.of("GPU-ab"), null, 2));
        assertTrue(e.getMessage().contains("discovery script"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> GpuDevices.select(List.of("0"), null, 0));
    }

    @Test
    void outsideAGpuTaskOnTheCpuBackendNothingIsBound() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "the CPU backend");
        int device = Nd4j.getAffinityManager().getDeviceForCurrentThread();
        GpuDevices.Binding b = GpuDevices.pinCurrentThread();
        assertTrue(b.sparkAddresses().isEmpty() && !b.pinned(), b.describe());
        assertEquals(device, Nd4j.getAffinityManager().getDeviceForCurrentThread());
        // ND4J still works on this thread afterwards.
        assertEquals(6.0, Nd4j.createFromArray(1.0, 2.0, 3.0).sumNumber().doubleValue());
    }
}
