package dev.qabridge.priming;

import dev.qabridge.core.Log;
import dev.qabridge.core.Redaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Priming runs every path against its loopback stand-in, writes no line of its own paths, leaves the
 * container's redactor as it was, and stops at its budget.
 */
class PrimingTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @AfterEach
    void restoreLog() {
        Log.redirect(System.out);
        Redaction.use(List.of());
    }

    @Test
    void primesEveryPathAgainstTheLoopbackStandIn() throws Exception {
        Priming.Report report = new Priming(EnumSet.allOf(Priming.Path.class), 2, Duration.ofSeconds(30)).prime();

        assertThat(report.rounds()).isEqualTo(2);
        assertThat(report.paths()).containsExactlyInAnyOrder(Priming.Path.values());
        // per round: webhook 2 settings-file/member reads + 2 StartExecution, poll 2 looks, actions 2 × 11 calls + StopExecution, 3 secrets
        assertThat(report.requests()).isGreaterThanOrEqualTo(2 * 30);
    }

    @Test
    void writesNoLogOrMetricLineOfTheMadeUpDeliveriesAndOneLineSayingWhatItDid() {
        Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8));

        Priming.webhook().run();

        String lines = logged.toString(StandardCharsets.UTF_8);
        assertThat(lines.lines()).hasSize(1);
        assertThat(lines).contains("\"step\":\"snapstart.primed\"").doesNotContain("run.started").doesNotContain("github.received");
    }

    @Test
    void leavesTheContainersRedactorAsItWas() throws Exception {
        Redaction.use(List.of("the-real-webhook-secret"));

        new Priming(EnumSet.allOf(Priming.Path.class), 1, Duration.ofSeconds(30)).prime();

        assertThat(Redaction.apply("token the-real-webhook-secret")).doesNotContain("the-real-webhook-secret");
    }

    @Test
    void stopsAtItsBudget() throws Exception {
        Priming.Report report = new Priming(EnumSet.of(Priming.Path.POLL), 1_000_000, Duration.ofMillis(300)).prime();

        assertThat(report.rounds()).isLessThan(1_000_000);
        assertThat(report.millis()).isLessThan(2_000);
    }
}
