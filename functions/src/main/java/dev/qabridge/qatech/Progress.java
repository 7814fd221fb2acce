package dev.qabridge.qatech;

import java.util.List;
import java.util.Optional;

/**
 * Where a conversation stands. It is finished only when the newest assistant message that is newer
 * than our own (first) user message has ended; our user message carries a status too, and right after
 * creation there may be no assistant message at all. Neither is an answer.
 */
public record Progress(State state, Optional<QaTechClient.Message> answer) {

    public enum State { RUNNING, COMPLETED, FAILED, CANCELLED }

    public boolean finished() {
        return state != State.RUNNING;
    }

    public static Progress of(List<QaTechClient.Message> newestFirst) {
        int ours = -1;
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            if ("user".equals(newestFirst.get(i).role())) {
                ours = i;
                break;
            }
        }
        int limit = ours < 0 ? newestFirst.size() : ours;
        for (int i = 0; i < limit; i++) {
            QaTechClient.Message m = newestFirst.get(i);
            if (!"assistant".equals(m.role())) {
                continue;
            }
            State s = switch (m.status()) {
                case "COMPLETED" -> State.COMPLETED;
                case "FAILED" -> State.FAILED;
                case "CANCELLED" -> State.CANCELLED;
                default -> State.RUNNING;
            };
            if (m.streaming() && s == State.COMPLETED) {
                s = State.RUNNING;
            }
            return new Progress(s, Optional.of(m));
        }
        return new Progress(State.RUNNING, Optional.empty());
    }
}
