package dev.qabridge.local.bench;

import dev.qabridge.local.stack.LocalStack;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the benchmark reads from the template, and the prices it multiplies. */
class PricingTest {
    @Test
    void readsEachFunctionsMemoryAndTheArchitectureFromTheTemplate() throws Exception {
        Pricing pricing = Pricing.fromTemplate(LocalStack.root());

        assertThat(pricing.memoryMb()).containsOnlyKeys(Pricing.WEBHOOK, Pricing.POLLER, Pricing.ACTIONS);
        assertThat(pricing.memoryMb().values()).allMatch(mb -> mb >= 128 && mb <= 10240);
        assertThat(pricing.architecture()).isIn("arm64", "x86_64");
        assertThat(pricing.pollSeconds()).isPositive();
        assertThat(pricing.pollWindowSeconds()).isGreaterThanOrEqualTo(pricing.pollSeconds());
    }

    @Test
    void billsLambdaPerMillisecondAndExpressPer100MillisecondsAt64Mb() {
        Pricing arm = new Pricing("arm64", Map.of(Pricing.POLLER, 256), 3, 120, 60);
        Pricing x86 = new Pricing("x86_64", Map.of(Pricing.POLLER, 256), 3, 120, 60);

        assertThat(arm.lambda(Pricing.POLLER, 120_000)).isCloseTo(0.0000002 + 120 * 0.25 * 0.0000133334, within(1e-12));
        assertThat(x86.lambda(Pricing.POLLER, 0.4)).isCloseTo(0.0000002 + 0.001 * 0.25 * 0.0000166667, within(1e-12));
        assertThat(Pricing.express(150)).isCloseTo(0.000001 + 0.2 * 0.0625 * 0.00001667, within(1e-12));
        assertThat(Pricing.transitions(1000)).isCloseTo(0.025, within(1e-12));
    }
}
