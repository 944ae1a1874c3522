package org.fbnet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void boundedGettersReturnValidValuesAndNameKeySourceAndBoundOtherwise() {
        Settings s = Settings.defaults().with("train.epochs", "3").with("network.noise.beta", "0.5");
        assertEquals(3, s.intAtLeast("train.epochs", 1));
        assertEquals(0.5, s.doubleAtLeast("network.noise.beta", 0));
        ConfigException e = assertThrows(ConfigException.class, () -> s.with("train.epochs", "0").intAtLeast("train.epochs", 1));
        assertEquals("command line: train.epochs=0 must be >= 1", e.getMessage());
        ConfigException d = assertThrows(ConfigException.class,
                () -> s.with("network.noise.beta", "-0.1").doubleAtLeast("network.noise.beta", 0));
        assertEquals("command line: network.noise.beta=-0.1 must be >= 0", d.getMessage());
    }

    @Test
    void unknownKeysAreRejectedWithNearbyKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.defaults().with("train.epoch", "3"));
        assertTrue(e.getMessage().contains("unknown key 'train.epoch'") && e.getMessage().contains("train.epochs"), e.getMessage());
    }
}
