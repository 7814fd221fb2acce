package dev.qabridge.core;

import java.util.Optional;

/** What a person asked for in a PR/MR comment. */
public sealed interface Command {

    /** {@code /qa help} or a bare {@code /qa}: list the syntax and the settings in force. */
    record Help() implements Command {}

    /** {@code /qa <instructions> [--url <preview>]}: run the agent. */
    record Run(String instructions, Optional<String> url) implements Command {}

    /** {@code --url} was given but is not an http(s) URL. */
    record Invalid(String problem) implements Command {}
}
