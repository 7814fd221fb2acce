package dev.qabridge.local.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The manifest flow's last step: GitHub's one-time code becomes the App's id, private key and webhook
 * secret ({@code POST /app-manifests/{code}/conversions}, no token: the code is the credential), which are
 * written to two files only their owner can read. Neither the key nor the secret is ever printed.
 */
final class Conversion {
    static final String APP_FILE = "qa-bridge-app.json";
    static final String WEBHOOK_FILE = "qa-bridge-webhook.json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String apiBase;
    private final String webBase;

    /** {@code apiBase}: {@code GITHUB_API_URL} (GitHub Enterprise Server: {@code https://HOST/api/v3}); {@code webBase}: {@code GITHUB_WEB_URL}. */
    Conversion(String apiBase, String webBase) {
        this.apiBase = apiBase;
        this.webBase = webBase;
    }

    /** The created App. {@link #toString()} leaves out the key and the secret. */
    record App(String id, String slug, String htmlUrl, String pem, String webhookSecret) {
        String installUrl() {
            return htmlUrl + "/installations/new";
        }

        @Override
        public String toString() {
            return "App[id=" + id + ", slug=" + slug + ", htmlUrl=" + htmlUrl + "]";
        }
    }

    /** Something that ended the flow; its message is one line for the person at the terminal. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    /** Exchanges {@code code} (already checked to be a plain token) for the App's credentials. */
    App exchange(String code) throws Failed {
        URI uri = URI.create(apiBase + "/app-manifests/" + code + "/conversions");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "qa-bridge")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failed("could not reach GitHub at " + apiBase + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): check the network (and GITHUB_API_URL), then run this again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted while GitHub was exchanging the code");
        }
        int status = response.statusCode();
        if (status == 404 || status == 422) {
            throw new Failed("GitHub refused the code (HTTP " + status + "): a code works once, within an hour. The App may exist "
                    + "already: delete it (its settings, Advanced) and run this again, or generate its private key there (docs/github-app.md)");
        }
        if (status / 100 != 2) {
            throw new Failed("GitHub answered HTTP " + status + " to the code exchange (POST " + uri.getPath() + "): run this again in a "
                    + "moment; if the App was created meanwhile, delete it first (its settings, Advanced)");
        }
        JsonNode body;
        try {
            body = JsonHttp.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Failed("GitHub's answer to the code exchange is not JSON (HTTP " + status + ")");
        }
        String id = body.path("id").asText("");
        String slug = body.path("slug").asText("");
        String pem = body.path("pem").asText("");
        String secret = body.path("webhook_secret").asText("");
        if (id.isBlank() || slug.isBlank() || !pem.contains("PRIVATE KEY") || secret.isBlank()) {
            throw new Failed("GitHub's answer to the code exchange lacks the App's id, slug, private key or webhook secret: the App "
                    + "may exist; set them up in its settings by hand (docs/github-app.md)");
        }
        String html = body.path("html_url").asText("");
        return new App(id, slug, html.isBlank() ? webBase + "/apps/" + slug : html, pem, secret);
    }

    /**
     * Writes the two secrets' JSON into {@code dir}: the platform secret's keys and the webhook secret's,
     * each file created with mode 0600 (never readable by others, not even for a moment), never overwriting one.
     */
    static void write(Path dir, App app) throws Failed {
        ObjectNode platform = JsonHttp.JSON.createObjectNode().put("GITHUB_APP_ID", app.id()).put("GITHUB_APP_PRIVATE_KEY", app.pem());
        ObjectNode webhook = JsonHttp.JSON.createObjectNode().put("GITHUB_WEBHOOK_SECRET", app.webhookSecret());
        for (Map.Entry<String, ObjectNode> file : List.of(Map.entry(APP_FILE, platform), Map.entry(WEBHOOK_FILE, webhook))) {
            Path path = dir.resolve(file.getKey());
            try {
                writeOwnerOnly(path, (JsonHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file.getValue()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (FileAlreadyExistsException e) {
                throw new Failed(path + " appeared while the App was being created: the new App's credentials were not written; "
                        + "generate its private key and a webhook secret in its settings (docs/github-app.md)");
            } catch (IOException e) {
                throw new Failed("could not write " + path + " (" + e.getMessage() + "): the new App's credentials were not saved; "
                        + "generate its private key and a webhook secret in its settings (docs/github-app.md)");
            }
        }
    }

    private static void writeOwnerOnly(Path path, byte[] content) throws IOException {
        FileAttribute<?>[] ownerOnly = path.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (SeekableByteChannel channel = Files.newByteChannel(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                ownerOnly)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
