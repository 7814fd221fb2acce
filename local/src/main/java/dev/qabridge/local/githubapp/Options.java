package dev.qabridge.local.githubapp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code ./qa-bridge github-app}'s flags, checked: a mistake is a {@link Usage} that says what to give instead. */
record Options(URI webhookUrl, Optional<String> org, int port, String name) {
    static final String USAGE = "./qa-bridge github-app --webhook-url <GitHubWebhookUrl> [--org <org>] [--port 8000] [--name <app name>]";
    static final int DEFAULT_PORT = 8000;
    /** GitHub's rule for account names: letters, digits and single hyphens, at most 39. */
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
    /** GitHub App names are at most 34 characters. */
    static final int MAX_NAME = 34;

    /** A flag given wrong or not at all; the message is the whole explanation. */
    static final class Usage extends Exception {
        Usage(String message) {
            super(message + "; usage: " + USAGE, null, false, false);
        }
    }

    static Options parse(List<String> args) throws Usage {
        String webhook = null;
        String org = null;
        String port = null;
        String name = null;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (!List.of("--webhook-url", "--org", "--port", "--name").contains(flag)) {
                throw new Usage("unknown argument '" + flag + "'");
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new Usage(flag + " needs a value");
            }
            String value = args.get(++i);
            switch (flag) {
                case "--webhook-url" -> webhook = value;
                case "--org" -> org = value;
                case "--port" -> port = value;
                default -> name = value;
            }
        }
        if (webhook == null) {
            throw new Usage("--webhook-url is missing: give the stack's output GitHubWebhookUrl "
                    + "(aws cloudformation describe-stacks --stack-name qa-bridge --query \"Stacks[0].Outputs\")");
        }
        URI url = webhookUrl(webhook);
        if (org != null && !ACCOUNT.matcher(org).matches()) {
            throw new Usage("--org '" + org + "' is not a GitHub organization name (letters, digits and single hyphens)");
        }
        int listen = port == null ? DEFAULT_PORT : port(port);
        String app = name != null ? name : org == null ? "qa-bridge" : "qa-bridge-" + org;
        if (app.length() > MAX_NAME) {
            if (name != null) {
                throw new Usage("--name is " + name.length() + " characters long; GitHub App names have at most " + MAX_NAME);
            }
            app = app.substring(0, MAX_NAME).replaceAll("-+$", "");
        }
        if (app.isBlank()) {
            throw new Usage("--name is empty");
        }
        return new Options(url, Optional.ofNullable(org), listen, app);
    }

    /** Where GitHub sends the browser back with the code: this machine, by the name a browser allows over plain HTTP. */
    String callbackUrl() {
        return "http://localhost:" + port + "/callback";
    }

    String pageUrl() {
        return "http://localhost:" + port + "/";
    }

    private static URI webhookUrl(String value) throws Usage {
        try {
            URI url = new URI(value);
            if ((!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) || url.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL with a host");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new Usage("--webhook-url '" + value + "' is not a URL: give the stack's output GitHubWebhookUrl "
                    + "(https://<api id>.execute-api.<region>.amazonaws.com/webhooks/github)");
        }
    }

    private static int port(String value) throws Usage {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Usage("--port '" + value + "' is not a port number (1 to 65535)");
    }
}
