package dev.qabridge.local.githubapp;

import dev.qabridge.local.stack.LocalStack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static dev.qabridge.local.githubapp.Manifest.html;

/**
 * {@code ./qa-bridge github-app}: creates the bridge's GitHub App through GitHub's manifest flow, on the
 * user's own machine. It serves the manifest form on {@code http://localhost:<port>/} (bound to 127.0.0.1
 * only, and answering only requests addressed to localhost), GitHub sends the browser back to
 * {@code /callback} with a one-time code, the code becomes the App's id, private key and webhook secret
 * ({@link Conversion}), written to two files only their owner can read in the current directory, and the
 * commands that put them into the stack's secrets are printed. Exit 0 once done; 1 when GitHub refused the
 * code or the credentials could not be saved; 2 for a flag given wrong, a port taken or a file in the way.
 */
public final class GitHubAppSetup implements AutoCloseable {
    static final String WEB_URL = "GITHUB_WEB_URL";
    static final String API_URL = "GITHUB_API_URL";
    /** The names of the secrets the README creates; the stack takes their ARNs as parameters. */
    static final String PLATFORM_SECRET = "qa-bridge/platform";
    static final String WEBHOOK_SECRET = "qa-bridge/webhook";
    private static final String PREFIX = "qa-bridge github-app: ";
    /** What GitHub's codes look like; anything else is never put into the exchange's URL. */
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final Options options;
    private final Path dir;
    private final PrintStream out;
    private final PrintStream err;
    private final String webBase;
    private final Manifest manifest;
    private final Conversion conversion;
    private final String state;
    private final HttpServer server;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private final AtomicBoolean exchanging = new AtomicBoolean();

    /** Something that keeps the command from starting; its message is the whole explanation. */
    private static final class CannotStart extends Exception {
        CannotStart(String message) {
            super(message, null, false, false);
        }
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), Path.of("").toAbsolutePath(), LocalStack.root(), System.out, System.err));
    }

    /** {@code dir}: where the credential files go (the current directory); {@code root}: the project, for the manifest. */
    static int run(List<String> args, Map<String, String> env, Path dir, Path root, PrintStream out, PrintStream err) {
        try {
            Options options = Options.parse(args);
            try (GitHubAppSetup setup = new GitHubAppSetup(options, env, dir, root, out, err)) {
                err.println(PREFIX + "open " + options.pageUrl() + " in a browser signed in to GitHub and create the App "
                        + options.org().map(o -> "for " + o).orElse("for your account") + " (Ctrl-C stops waiting)");
                return setup.result.join();
            }
        } catch (Options.Usage | CannotStart e) {
            err.println(PREFIX + e.getMessage());
            return 2;
        }
    }

    private GitHubAppSetup(Options options, Map<String, String> env, Path dir, Path root, PrintStream out, PrintStream err)
            throws CannotStart {
        this.options = options;
        this.dir = dir;
        this.out = out;
        this.err = err;
        for (String file : List.of(Conversion.APP_FILE, Conversion.WEBHOOK_FILE)) {
            if (Files.exists(dir.resolve(file))) {
                throw new CannotStart(file + " is already in " + dir + " (it may hold another App's credentials): move it away, "
                        + "or run this from another directory");
            }
        }
        this.webBase = base(env, WEB_URL, "https://github.com");
        this.conversion = new Conversion(base(env, API_URL, "https://api.github.com"), webBase);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.state = HexFormat.of().formatHex(random);
        try {
            this.manifest = Manifest.of(root, options, webBase, state);
        } catch (IOException e) {
            throw new CannotStart("cannot read the App's manifest, " + root.resolve(Manifest.FILE) + ": " + e.getMessage());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
        } catch (BindException e) {
            throw new CannotStart("port " + options.port() + " is taken: pick a free one with --port <port> (the App's redirect URL "
                    + "is made from it)");
        } catch (IOException e) {
            throw new CannotStart("cannot listen on 127.0.0.1:" + options.port() + " (" + e.getMessage() + "): pick another --port");
        }
        server.createContext("/", this::handle);
        server.start();
    }

    private static String base(Map<String, String> env, String name, String fallback) {
        String value = Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty()).orElse(fallback);
        return value.replaceAll("/+$", "");
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            String host = Optional.ofNullable(x.getRequestHeaders().getFirst("Host")).orElse("");
            if (!host.equals("localhost:" + options.port()) && !host.equals("127.0.0.1:" + options.port())) {
                // a page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) gets nothing from here
                respond(x, 403, page("Not this address", "<p>Open <a href=\"" + html(options.pageUrl()) + "\">" + html(options.pageUrl())
                        + "</a>.</p>"));
            } else if (!x.getRequestMethod().equals("GET")) {
                respond(x, 405, page("GET only", "<p>Open <a href=\"/\">the start page</a>.</p>"));
            } else {
                switch (x.getRequestURI().getPath()) {
                    case "/" -> respond(x, 200, manifest.page(options));
                    case "/callback" -> callback(x);
                    default -> respond(x, 404, page("Not found", "<p>Start at <a href=\"/\">" + html(options.pageUrl()) + "</a>.</p>"));
                }
            }
        } catch (RuntimeException e) {
            err.println(PREFIX + "failed: " + e);
            result.complete(1);
        } finally {
            x.close();
        }
    }

    private void callback(HttpExchange x) throws IOException {
        Map<String, String> query = query(x.getRequestURI().getRawQuery());
        String code = query.getOrDefault("code", "");
        if (code.isEmpty()) {
            refuse(x, "the callback came without a code (GitHub adds ?code= after \"Create GitHub App\"): open " + options.pageUrl()
                    + " and create the App from there");
        } else if (!state.equals(query.get("state"))) {
            refuse(x, "this callback is not for the form this run served (its state does not match): open " + options.pageUrl()
                    + " and create the App from there");
        } else if (!CODE.matcher(code).matches()) {
            refuse(x, "the callback's code is not one GitHub gives: open " + options.pageUrl() + " and create the App from there");
        } else if (!exchanging.compareAndSet(false, true)) {
            respond(x, 409, page("Already done", "<p>This run has used its code; the terminal says what happened.</p>"));
        } else {
            try {
                Conversion.App app = conversion.exchange(code);
                Conversion.write(dir, app);
                nextSteps(app);
                respond(x, 200, page("The GitHub App " + app.slug() + " exists", """
                        <p>Its credentials are in <code>%s</code> and <code>%s</code>, on the machine that ran
                        <code>./qa-bridge github-app</code>; the terminal says how to put them into the stack's secrets.</p>
                        <p>Then <a href="%s">install the App</a> on the repositories the bridge should serve.</p>
                        """.formatted(Conversion.APP_FILE, Conversion.WEBHOOK_FILE, html(app.installUrl()))));
                result.complete(0);
            } catch (Conversion.Failed e) {
                err.println(PREFIX + e.getMessage());
                respond(x, 502, page("The App's credentials were not saved", "<p>" + html(e.getMessage()) + "</p>"));
                result.complete(1);
            }
        }
    }

    /** A callback that cannot be used: said once on the terminal and to the browser; the form stays served. */
    private void refuse(HttpExchange x, String why) throws IOException {
        err.println(PREFIX + why);
        respond(x, 400, page("Not created yet", "<p>" + html(why) + "</p>"));
    }

    /** What to do with the files, on stdout; the key and the secret stay in the files. */
    private void nextSteps(Conversion.App app) {
        String appFile = shown(Conversion.APP_FILE);
        String webhookFile = shown(Conversion.WEBHOOK_FILE);
        out.println("The GitHub App " + app.slug() + " (id " + app.id() + ") exists: " + app.htmlUrl());
        out.println("Its credentials are in two files only you can read:");
        out.println("  " + appFile + "  GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY: the platform secret's keys");
        out.println("  " + webhookFile + "  GITHUB_WEBHOOK_SECRET: the webhook secret's key");
        out.println("Put them into new secrets:");
        out.println("  aws secretsmanager create-secret --name " + PLATFORM_SECRET + " --secret-string file://" + appFile);
        out.println("  aws secretsmanager create-secret --name " + WEBHOOK_SECRET + " --secret-string file://" + webhookFile);
        out.println("or into the ones the stack reads (this replaces each secret's whole value: add its other keys, such as");
        out.println("GITLAB_TOKEN or GITLAB_WEBHOOK_SECRET, to the file first):");
        out.println("  aws secretsmanager put-secret-value --secret-id " + PLATFORM_SECRET + " --secret-string file://" + appFile);
        out.println("  aws secretsmanager put-secret-value --secret-id " + WEBHOOK_SECRET + " --secret-string file://" + webhookFile);
        out.println("then delete both files. Install the App on the repositories the bridge should serve:");
        out.println("  " + app.installUrl());
    }

    /** A file's name as the commands should give it: bare when it is in the current directory, else its full path. */
    private String shown(String file) {
        Path path = dir.resolve(file).toAbsolutePath().normalize();
        return path.getParent().equals(Path.of("").toAbsolutePath().normalize()) ? file : path.toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private void respond(HttpExchange x, int status, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        // the form may post to GitHub only, and no other page may frame this one
        x.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action " + webBase + "; frame-ancestors 'none'");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream stream = x.getResponseBody()) {
            stream.write(body);
        }
    }

    static String page(String title, String body) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
                + "pre{overflow:auto;background:#f6f8fa;padding:1rem}button{font-size:1.1rem;padding:.5rem 1rem}</style></head>\n"
                + "<body><h1>" + html(title) + "</h1>\n" + body + "</body></html>\n";
    }

    @Override
    public void close() {
        server.stop(1);
    }
}
