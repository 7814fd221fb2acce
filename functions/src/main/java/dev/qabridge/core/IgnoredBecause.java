package dev.qabridge.core;

import java.util.Locale;

/**
 * Why a delivery was left alone, as a small fixed vocabulary: the {@code Reason} dimension of the
 * {@code CommandsIgnored} metric. Whoever decides to ignore a delivery names it; the sentence said to
 * the platform is free text beside it.
 */
public enum IgnoredBecause {
    EVENT, EDITED, BOT, OWN, NOT_A_COMMAND, UNTRUSTED, ENVIRONMENT, FORK, NO_PULL_REQUEST, DUPLICATE, PUSH, REFUSED, TOO_LARGE, NOT_HEAD,
    MERGE_QUEUE, NOT_DEPLOYED;

    /** The metric's dimension value: {@code not-a-command}, {@code edited}, … */
    public String metric() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
