package dev.qabridge.local.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTest {
    @Test
    void percentilesAreNearestRankSoEachIsAMeasuredValue() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i;
        }

        assertThat(Stats.percentile(hundred, 50)).isEqualTo(50);
        assertThat(Stats.percentile(hundred, 95)).isEqualTo(95);
        assertThat(Stats.percentile(hundred, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new double[] {3, 1, 2}, 50)).isEqualTo(2);
    }
}
