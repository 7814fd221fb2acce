package dev.qabridge.qatech;

import dev.qabridge.qatech.Progress.State;
import dev.qabridge.qatech.QaTechClient.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Lists are newest first, as {@code GET /v1/chat/{id}} returns them. */
class ProgressTest {
    private static final Message OURS = user("u1", "2025-01-01T10:00:00Z");

    private static Message user(String id, String at) {
        return new Message(id, "user", at, "/qa check the cart", "COMPLETED", false);
    }

    private static Message assistant(String id, String at, String status, boolean streaming) {
        return new Message(id, "assistant", at, "answer " + id, status, streaming);
    }

    @Test
    void noMessagesYetIsRunning() {
        Progress p = Progress.of(List.of());
        assertThat(p.state()).isEqualTo(State.RUNNING);
        assertThat(p.finished()).isFalse();
        assertThat(p.answer()).isEmpty();
    }

    @Test
    void ourCompletedUserMessageAloneIsNotAnAnswer() {
        Progress p = Progress.of(List.of(OURS));
        assertThat(p.state()).isEqualTo(State.RUNNING);
        assertThat(p.answer()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"INITIATED, false", "PARTIAL, true", "PARTIAL, false", "COMPLETED, true"})
    void assistantStillWritingIsRunning(String status, boolean streaming) {
        Progress p = Progress.of(List.of(assistant("a1", "2025-01-01T10:00:05Z", status, streaming), OURS));
        assertThat(p.state()).isEqualTo(State.RUNNING);
        assertThat(p.finished()).isFalse();
    }

    @Test
    void completedAssistantMessageNewerThanOursIsTheAnswer() {
        Message answer = assistant("a1", "2025-01-01T10:01:00Z", "COMPLETED", false);
        Progress p = Progress.of(List.of(answer, OURS));
        assertThat(p.state()).isEqualTo(State.COMPLETED);
        assertThat(p.finished()).isTrue();
        assertThat(p.answer()).contains(answer);
    }

    @Test
    void newestAssistantMessageDecides() {
        Message newest = assistant("a2", "2025-01-01T10:02:00Z", "COMPLETED", false);
        Message older = assistant("a1", "2025-01-01T10:01:00Z", "PARTIAL", true);
        assertThat(Progress.of(List.of(newest, older, OURS)).answer()).contains(newest);
    }

    @ParameterizedTest
    @CsvSource({"FAILED, FAILED", "CANCELLED, CANCELLED"})
    void assistantThatEndedBadlyFinishesTheRun(String status, State expected) {
        Message m = assistant("a1", "2025-01-01T10:01:00Z", status, false);
        Progress p = Progress.of(List.of(m, OURS));
        assertThat(p.state()).isEqualTo(expected);
        assertThat(p.finished()).isTrue();
        assertThat(p.answer()).contains(m);
    }

    @Test
    void assistantMessageOlderThanOursIsNotTheAnswer() {
        Message earlier = assistant("a0", "2025-01-01T09:00:00Z", "COMPLETED", false);
        Progress p = Progress.of(List.of(OURS, earlier));
        assertThat(p.state()).isEqualTo(State.RUNNING);
        assertThat(p.answer()).isEmpty();
    }

    @Test
    void withAFollowUpTheOldestUserMessageIsOurs() {
        Message followUp = user("u2", "2025-01-01T10:05:00Z");
        Message reply = assistant("a1", "2025-01-01T10:01:00Z", "COMPLETED", false);
        Progress p = Progress.of(List.of(followUp, reply, OURS));
        assertThat(p.state()).isEqualTo(State.COMPLETED);
        assertThat(p.answer()).contains(reply);
    }

    @Test
    void withAFollowUpStillBeingAnsweredTheNewestAssistantMessageDecides() {
        Message streaming = assistant("a2", "2025-01-01T10:06:00Z", "PARTIAL", true);
        Message followUp = user("u2", "2025-01-01T10:05:00Z");
        Message first = assistant("a1", "2025-01-01T10:01:00Z", "COMPLETED", false);
        assertThat(Progress.of(List.of(streaming, followUp, first, OURS)).state()).isEqualTo(State.RUNNING);
    }
}
