package dev.qabridge.core;

import java.util.Optional;

/** What a person asked for in a PR/MR comment. */
public sealed interface Command {

    /** {@code /qa help} or a bare {@code /qa}: list the commands and the settings in force. */
    record Help() implements Command {}

    /** {@code /qa <instructions> [--url <preview>]}: run the agent. */
    record Run(String instructions, Optional<String> url) implements Command {}

    /** {@code /qa followup <text>} (or {@code /qa ask <text>}): continue the PR's latest conversation. */
    record FollowUp(String text) implements Command {}

    /** {@code /qa plan [<pln_…>] [--url <preview>]}: run a QA.tech test plan (the given one, else the repository's) on the preview. */
    record Plan(Optional<String> plan, Optional<String> url) implements Command {}

    /** {@code /qa review [<focus>]}: a change review of the PR on its preview; the focus, if any, goes into its context. */
    record Review(Optional<String> focus) implements Command {}

    /** {@code /qa rerun-failed}: re-run the failed tests of the PR's latest test plan run. */
    record RerunFailed() implements Command {}

    /** {@code /qa cancel}: stop the PR's runs that are still going. */
    record Cancel() implements Command {}

    /** {@code /qa status}: list the PR's runs. */
    record Status() implements Command {}

    /** Something the parser could not use (a bad {@code --url}, instructions too long…): answered with the problem. */
    record Invalid(String problem) implements Command {}
}
