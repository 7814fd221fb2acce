package dev.qabridge.local.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles the way the benchmark quotes them: nearest rank, so every figure is one that was measured. */
final class Stats {
    private Stats() {}

    /** The {@code p}-th percentile (0 < p ≤ 100) by nearest rank: the smallest value with at least p % of the values at or below it. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double percentile(List<Double> values, double p) {
        return percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }

    static double median(double[] values) {
        return percentile(values, 50);
    }
}
