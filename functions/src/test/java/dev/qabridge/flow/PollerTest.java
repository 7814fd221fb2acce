package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The poller's schedule within one invocation, on a virtual clock: it looks every interval, returns as
 * soon as the agent is done, and hands back to the state machine when its window is used up. QA.tech is
 * a tiny in-process server on loopback that answers "running" until a given look.
 */
class PollerTest {
    private HttpServer qatech;
    private final AtomicInteger looks = new AtomicInteger();
    private volatile int doneAtLook = Integer.MAX_VALUE;
    /** Looks from this one up to (not including) {@link #outageUntil} answer 503, as QA.tech does while it is down. */
    private volatile int outageFrom = Integer.MAX_VALUE;
    private volatile int outageUntil = Integer.MAX_VALUE;
    private volatile int refuseStatus = 0;
    private final Fakes.TestClock clock = new Fakes.TestClock();
    private final List<Duration> pauses = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        qatech = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        qatech.createContext("/v1/chat/", x -> {
            int n = looks.incrementAndGet();
            if ((n >= outageFrom && n < outageUntil) || refuseStatus > 0) {
                byte[] down = "{\"message\":\"upstream unavailable\"}".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(refuseStatus > 0 ? refuseStatus : 503, down.length);
                x.getResponseBody().write(down);
                x.close();
                return;
            }
            boolean done = n >= doneAtLook;
            String body = """
                    {"shortId":"chat_1","url":"u","messages":[
                     {"id":"m2","role":"assistant","createdAt":"2026-11-26T10:01:00Z","text":"t","status":"%s","isStreaming":%s},
                     {"id":"m1","role":"user","createdAt":"2026-11-26T10:00:00Z","text":"q","status":"COMPLETED","isStreaming":false}]}"""
                    .formatted(done ? "COMPLETED" : "PARTIAL", !done);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        });
        qatech.start();
    }

    @AfterEach
    void stop() {
        qatech.stop(0);
    }

    private Poller poller(int intervalSeconds, int windowSeconds) {
        QaTechClient client = new QaTechClient("http://127.0.0.1:" + qatech.getAddress().getPort(), () -> "k", Duration.ofSeconds(5));
        return new Poller(client, Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(windowSeconds), clock, d -> {
            pauses.add(d);
            clock.now = clock.now.plus(d);
        });
    }

    private ObjectNode state(long deadline, int polls) {
        ObjectNode s = JsonHttp.JSON.createObjectNode().put("runId", "github-c1");
        s.putObject("conversation").put("id", "chat_1");
        s.putObject("poll").put("deadline", deadline).put("polls", polls).put("waitSeconds", 3);
        return s;
    }

    @Test
    void returnsAtTheFirstLookThatSeesTheAnswer() throws Exception {
        doneAtLook = 5;
        JsonNode poll = poller(3, 120).poll(state(Long.MAX_VALUE, 2));

        assertThat(poll.path("done").asBoolean()).isTrue();
        assertThat(poll.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(poll.path("polls").asInt()).isEqualTo(7);   // two earlier looks, five in this invocation
        assertThat(pauses).hasSize(4).allMatch(d -> d.equals(Duration.ofSeconds(3)));
        assertThat(poll.path("doneAt").asLong()).isEqualTo(clock.millis());
    }

    @Test
    void handsBackWhenItsWindowIsUsedUpAndAsksForNoWait() throws Exception {
        JsonNode poll = poller(3, 10).poll(state(Long.MAX_VALUE, 0));

        assertThat(poll.path("done").asBoolean()).isFalse();
        assertThat(poll.path("waitSeconds").asInt()).isZero();
        assertThat(looks.get()).isEqualTo(4);   // at 0, 3, 6 and 9 s; a fifth (12 s) would leave the 10 s window
        assertThat(poll.path("polls").asInt()).isEqualTo(4);
    }

    @Test
    void reportsATimeoutOnceTheDeadlineHasPassed() throws Exception {
        long deadline = clock.instant().getEpochSecond() + 5;
        JsonNode poll = poller(3, 120).poll(state(deadline, 0));

        assertThat(poll.path("done").asBoolean()).isTrue();
        assertThat(poll.path("timedOut").asBoolean()).isTrue();
        assertThat(looks.get()).isEqualTo(3);   // 0 s, 3 s, 6 s: past the deadline at the third look
    }

    @Test
    void keepsLookingThroughAnOutageFurtherApartAndHandsBackTheAnswer() throws Exception {
        outageFrom = 2;
        outageUntil = 6;   // looks 2 to 5 fail
        doneAtLook = 6;
        JsonNode poll = poller(3, 120).poll(state(Long.MAX_VALUE, 0));

        assertThat(poll.path("done").asBoolean()).isTrue();
        assertThat(poll.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(poll.path("answer").asText()).as("the reply will not need QA.tech again").isEqualTo("t");
        assertThat(poll.path("outage").asInt()).isZero();
        assertThat(pauses).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(12), Duration.ofSeconds(24),
                Duration.ofSeconds(48));
    }

    @Test
    void anOutageThatOutlastsTheWindowAsksTheStateMachineToWaitAndOneThatOutlastsTheDeadlineTimesOut() throws Exception {
        outageFrom = 1;
        JsonNode poll = poller(3, 30).poll(state(Long.MAX_VALUE, 0));

        assertThat(poll.path("done").asBoolean()).isFalse();
        assertThat(poll.path("outage").asInt()).isEqualTo(3);   // at 0, 6 and 18 s; the next (33 s: 24 s capped at half the window) is past it
        assertThat(poll.path("waitSeconds").asInt()).isEqualTo(15);

        long deadline = clock.instant().getEpochSecond() + 100;
        ObjectNode stillDown = state(deadline, 3);
        ((ObjectNode) stillDown.path("poll")).put("outage", 3);
        JsonNode late = poller(3, 840).poll(stillDown);
        assertThat(late.path("done").asBoolean()).isTrue();
        assertThat(late.path("timedOut").asBoolean()).isTrue();
        assertThat(pauses.subList(2, pauses.size())).allMatch(d -> d.compareTo(Poller.MAX_BACKOFF) <= 0);
    }

    @Test
    void aRefusalIsNotWaitedThrough() {
        refuseStatus = 404;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> poller(3, 120).poll(state(Long.MAX_VALUE, 0)))
                .isInstanceOf(dev.qabridge.core.ApiException.class).hasMessageContaining("404");
        assertThat(looks.get()).isEqualTo(1);
    }
}
