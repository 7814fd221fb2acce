package dev.qabridge.local.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack's settings: a {@code .env} file when present, overridden by the real environment
 * (the same variable names the deployed functions read), and a check that names each missing one
 * together with where to get it. An empty value is kept as empty, as the deployed functions see an
 * empty variable: {@code AUTO_RUN_ENVIRONMENTS=} disables automatic runs here too, and a required
 * setting left empty (as {@code .env.example} leaves them) counts as missing.
 */
public final class LocalSettings {
    private LocalSettings() {}

    public static Map<String, String> load(Path dotEnv) throws IOException {
        Map<String, String> settings = new HashMap<>();
        if (Files.isRegularFile(dotEnv)) {
            settings.putAll(parseDotEnv(Files.readAllLines(dotEnv)));
        }
        settings.putAll(System.getenv());
        return settings;
    }

    /**
     * {@code KEY=value} lines; blank lines and {@code #} comments skipped; optional quotes and {@code export}
     * removed; {@code KEY=} gives an empty value.
     */
    static Map<String, String> parseDotEnv(List<String> lines) {
        Map<String, String> values = new HashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || !line.contains("=")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int comment = value.indexOf(" #");
                if (comment >= 0) {
                    value = value.substring(0, comment).strip();
                }
            }
            values.put(key, value);
        }
        return values;
    }

    /** One line per missing setting: its name and where a person gets its value. Empty when all is there. */
    public static List<String> missing(Map<String, String> settings) {
        Map<String, String> s = new HashMap<>(settings);
        s.values().removeIf(String::isBlank);
        List<String> problems = new ArrayList<>();
        if (!s.containsKey("QATECH_API_KEY")) {
            problems.add("QATECH_API_KEY: a QA.tech API key — app.qa.tech → Organization Settings → API Keys (shown once)");
        }
        if (!s.containsKey("QATECH_APPLICATION_ID")) {
            problems.add("QATECH_APPLICATION_ID: the app_… short id of the application to test — app.qa.tech → your project → Applications, or GET /v1/applications");
        }
        boolean app = s.containsKey("GITHUB_APP_ID") || s.containsKey("GITHUB_APP_PRIVATE_KEY");
        boolean github = s.containsKey("GITHUB_WEBHOOK_SECRET") || s.containsKey("GITHUB_TOKEN") || app;
        boolean gitlab = s.containsKey("GITLAB_WEBHOOK_SECRET") || s.containsKey("GITLAB_TOKEN");
        if (!github && !gitlab) {
            problems.add("GITHUB_TOKEN and GITHUB_WEBHOOK_SECRET (or GITLAB_TOKEN and GITLAB_WEBHOOK_SECRET): at least one platform");
        }
        if (github) {
            if (app) {
                if (!s.containsKey("GITHUB_APP_ID")) {
                    problems.add("GITHUB_APP_ID: the App's numeric id — github.com → Settings → Developer settings → GitHub Apps → your App → App ID");
                }
                if (!s.containsKey("GITHUB_APP_PRIVATE_KEY")) {
                    problems.add("GITHUB_APP_PRIVATE_KEY: the App's .pem on one line, in double quotes, with \\n for its line breaks — "
                            + "your App → Private keys → Generate a private key");
                }
            } else if (!s.containsKey("GITHUB_TOKEN")) {
                problems.add("GITHUB_TOKEN: a token that may comment on PRs — github.com → Settings → Developer settings → fine-grained token with Pull requests, Issues: read & write; Deployments, Contents: read");
            }
            if (!s.containsKey("GITHUB_WEBHOOK_SECRET")) {
                problems.add("GITHUB_WEBHOOK_SECRET: any long random string; put the same one in the repository's Settings → Webhooks → Secret");
            }
        }
        if (gitlab) {
            if (!s.containsKey("GITLAB_TOKEN")) {
                problems.add("GITLAB_TOKEN: a project or group access token with the api scope (Developer role) — Settings → Access tokens");
            }
            if (!s.containsKey("GITLAB_WEBHOOK_SECRET")) {
                problems.add("GITLAB_WEBHOOK_SECRET: any long random string; put the same one in the project's Settings → Webhooks → Secret token");
            }
        }
        return problems;
    }
}
