package dev.qabridge.core;

/**
 * Who wrote a comment: their login, the platform's numeric user id (0 when unknown), and on GitHub the
 * {@code author_association} the payload carried ("" when it carried none).
 */
public record Person(String login, long id, String association) {}
