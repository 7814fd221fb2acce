package dev.qabridge.core;

import java.util.Optional;
import java.util.function.Supplier;

/** The preview deployment the agent will test, and where its URL came from. */
public record Preview(String url, Source source) {

    public enum Source {
        COMMAND("given with --url"),
        DEPLOYMENT("from the newest successful deployment"),
        TEMPLATE("from PREVIEW_URL_TEMPLATE");

        private final String words;

        Source(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * The order is fixed: an explicit {@code --url} wins, then the platform's deployments (looked up
     * only when needed), then the template. Anything that is not an http(s) URL is skipped.
     */
    public static Optional<Preview> resolve(Optional<String> explicit, Supplier<Optional<String>> deployments,
                                            Optional<String> template, PullRequest pr) {
        if (explicit.isPresent()) {
            return explicit.filter(CommandParser::isHttpUrl).map(u -> new Preview(u, Source.COMMAND));
        }
        Optional<String> deployed = deployments.get().filter(CommandParser::isHttpUrl);
        if (deployed.isPresent()) {
            return deployed.map(u -> new Preview(u, Source.DEPLOYMENT));
        }
        return template.map(t -> expand(t, pr)).filter(CommandParser::isHttpUrl).map(u -> new Preview(u, Source.TEMPLATE));
    }

    /** Fills {@code {number} {branch} {sha} {repo}}; the branch is made DNS-friendly the way preview hosts do. */
    public static String expand(String template, PullRequest pr) {
        return template
                .replace("{number}", String.valueOf(pr.number()))
                .replace("{branch}", slug(pr.branch()))
                .replace("{sha}", pr.headSha())
                .replace("{repo}", pr.repo());
    }

    static String slug(String branch) {
        return branch.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }
}
