package dev.qabridge.flow;

import dev.qabridge.core.Command;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;

import java.util.function.Function;

/** What both platforms do with an accepted, trusted command: help and mistakes are answered in place, runs go on. */
final class Commands {
    private Commands() {}

    static Answer dispatch(Command command, ReviewThread thread, Settings settings, String platform, Function<Command.Run, Answer> run) {
        return switch (command) {
            case Command.Help h -> {
                thread.post(Texts.help(settings, platform));
                yield Answer.of(200, "help", "posted");
            }
            case Command.Invalid i -> {
                thread.post(Texts.invalid(i.problem(), settings));
                yield Answer.of(200, "invalid", i.problem());
            }
            case Command.Run r -> run.apply(r);
        };
    }
}
