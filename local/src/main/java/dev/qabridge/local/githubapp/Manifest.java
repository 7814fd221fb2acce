package dev.qabridge.local.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * The GitHub App manifest {@code ./qa-bridge github-app} posts, and the page that posts it. The App's
 * permissions, events and description come from {@code docs/github-app-manifest.json} (the file the docs
 * explain, so the two cannot drift); this run fills in the App's name, its homepage, the stack's webhook URL
 * and the redirect back to this machine.
 */
record Manifest(ObjectNode json, URI formAction) {
    static final String FILE = "docs/github-app-manifest.json";

    /** {@code webBase}: {@code GITHUB_WEB_URL}; {@code state} comes back unchanged with the code. */
    static Manifest of(Path root, Options options, String webBase, String state) throws IOException {
        JsonNode read = JsonHttp.JSON.readTree(root.resolve(FILE).toFile());
        if (!(read instanceof ObjectNode json) || !json.path("default_permissions").isObject() || !json.path("default_events").isArray()) {
            throw new IOException(FILE + " is not a GitHub App manifest (an object with default_permissions and default_events)");
        }
        json.put("name", options.name());
        json.put("url", options.org().map(org -> webBase + "/" + org).orElse(webBase));
        ObjectNode hook = json.path("hook_attributes") instanceof ObjectNode h ? h : json.putObject("hook_attributes");
        hook.put("url", options.webhookUrl().toString()).put("active", true);
        json.put("redirect_url", options.callbackUrl());
        String newApp = options.org().map(o -> webBase + "/organizations/" + o + "/settings/apps/new").orElse(webBase + "/settings/apps/new");
        return new Manifest(json, URI.create(newApp + "?state=" + state));
    }

    /** The page at {@code /}: what will be asked for, and one button that posts the manifest to GitHub. */
    String page(Options options) {
        String owner = options.org().map(o -> "the organization <b>" + html(o) + "</b>").orElse("your personal account");
        String pretty;
        try {
            pretty = JsonHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return GitHubAppSetup.page("Create the qa-bridge GitHub App", """
                <p>This creates a GitHub App for %s from the manifest below: its webhook goes to the stack
                (<code>%s</code>), and GitHub sends this browser back to <code>%s</code> with a one-time code.</p>
                <p>GitHub shows the App's name, permissions and events before it creates anything. App names are unique
                across GitHub: if <b>%s</b> is taken, change it there.</p>
                <form action="%s" method="post">
                  <input type="hidden" name="manifest" value="%s">
                  <button type="submit">Create the GitHub App on GitHub</button>
                </form>
                <details><summary>The manifest</summary><pre>%s</pre></details>
                """.formatted(owner, html(options.webhookUrl().toString()), html(options.callbackUrl()), html(options.name()),
                html(formAction.toString()), html(json.toString()), html(pretty)));
    }

    static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
