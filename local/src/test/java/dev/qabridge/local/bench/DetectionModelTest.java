package dev.qabridge.local.bench;

import dev.qabridge.local.stack.LocalStack;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The detection model on its own (no moto): the real poller on the virtual clock sees the agent's answer within one
 * look interval of it, whatever the design, and a run's transitions and costs follow from its poller invocations.
 */
class DetectionModelTest {
    private final Pricing pricing = new Pricing("arm64", Map.of(Pricing.WEBHOOK, 1024, Pricing.POLLER, 256, Pricing.ACTIONS, 1024), 3, 30, 60);
    private final DetectionBench bench = new DetectionBench(LocalStack.root(), pricing);

    private DetectionBench.Measured measured() throws Exception {
        AslPath path = AslPath.walk(AslPathTest.json(AslPathTest.LOOP), "PollerFunctionArn", AslPathTest.json("{\"poll\":{\"done\":false}}"),
                AslPathTest.json("{\"poll\":{\"done\":true}}"));
        return new DetectionBench.Measured(path, List.of(), 0, 0, 0, 0, 0, Map.of());
    }

    @Test
    void eachDesignSeesTheAnswerWithinOneOfItsIntervals() throws Exception {
        try (DetectionBench.Model model = bench.model(measured(), Duration.ZERO)) {
            for (DetectionBench.Design design : bench.designs()) {
                DetectionBench.Result r = model.run(design, Duration.ofSeconds(90), 20, new Random(7));
                long longest = design.name().startsWith("baseline") || design.name().equals("tighter early") ? 20_000 : 3_000;

                assertThat(java.util.Arrays.stream(r.delaysMs()).boxed().toList()).as(design.name())
                        .allSatisfy(d -> assertThat(d).isBetween(0.0, longest + 250.0));
            }
        }
    }

    @Test
    void aRunsTransitionsAndCostFollowFromItsPollerInvocations() throws Exception {
        DetectionBench.Measured m = measured();
        try (DetectionBench.Model model = bench.model(m, Duration.ZERO)) {
            DetectionBench.Result r = model.run(bench.designs().get(0), Duration.ofSeconds(90), 20, new Random(7));

            // 5 states before and after the loop, 3 per turn: linear, so the means obey it too
            assertThat(r.meanTransitions()).isCloseTo(5 + 3 * r.meanInvocations(), within(1e-9));
            // each invocation looks for up to its 30 s window: at least its window's worth of poller time is billed
            assertThat(r.meanCost()).isGreaterThan(Pricing.transitions(Math.round(r.meanTransitions())) + (r.meanInvocations() - 1)
                    * pricing.lambda(Pricing.POLLER, 27_000));
        }
    }

    /** The poller pauses its interval after each answer: a look that takes L spaces looks by interval + L, and its answer comes L late. */
    @Test
    void aSlowerQaTechDelaysTheAnswerByItsAnswerTimeAndSpacesTheLooks() throws Exception {
        try (DetectionBench.Model model = bench.model(measured(), Duration.ofMillis(500))) {
            DetectionBench.Result r = model.run(bench.designs().get(0), Duration.ofSeconds(60), 20, new Random(7));

            assertThat(java.util.Arrays.stream(r.delaysMs()).boxed().toList()).allSatisfy(d -> assertThat(d).isBetween(500.0, 3_000 + 2 * 500 + 250.0));
        }
    }
}
