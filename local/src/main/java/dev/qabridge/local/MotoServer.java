package dev.qabridge.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A moto server child process giving DynamoDB and Step Functions on loopback, with state machine
 * execution switched on. Its Task states call {@code localhost:$MOTO_PORT}, which we point at our
 * Lambda router. Started through {@code moto_launcher.py} (one fix for many executions, see there)
 * with the Python behind {@code moto_server}; installed with pip into a private venv when missing.
 */
public final class MotoServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;

    private MotoServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static MotoServer start(int port, int routerPort, Path logFile) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(python(), launcher().toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)));
        pb.environment().put("MOTO_PORT", String.valueOf(routerPort));
        pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
        MotoServer moto = new MotoServer(pb.start(), port);
        try {
            moto.awaitReady(Duration.ofSeconds(60), logFile);
            moto.post("/moto-api/config", "{\"stepfunctions\":{\"execute_state_machine\":true}}");
        } catch (IOException | RuntimeException e) {
            moto.close();
            throw e;
        }
        return moto;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * A Python that can import moto's server: {@code $MOTO_PYTHON}, the interpreter behind
     * {@code moto_server} on PATH, {@code python3}, or a private venv that we fill with pip.
     */
    static String python() throws IOException, InterruptedException {
        List<String> candidates = new java.util.ArrayList<>();
        Optional.ofNullable(System.getenv("MOTO_PYTHON")).ifPresent(candidates::add);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path script = dir.isEmpty() ? null : Path.of(dir, "moto_server");
            if (script != null && Files.isRegularFile(script)) {
                String first = Files.readAllLines(script.toRealPath()).stream().findFirst().orElse("");
                if (first.startsWith("#!") && first.contains("python")) {
                    candidates.add(first.substring(2).trim().split("\\s+")[0]);
                }
            }
        }
        candidates.add("python3");
        Path venv = Path.of(System.getProperty("user.home"), ".cache", "qa-bridge", "moto-venv");
        String venvPython = venv.resolve("bin").resolve("python").toString();
        candidates.add(venvPython);
        for (String candidate : candidates) {
            if (canRunMoto(candidate)) {
                return candidate;
            }
        }
        System.err.println("[qa-bridge] moto server not found: installing moto[server] into " + venv + " (one time)");
        run(List.of("python3", "-m", "venv", venv.toString()));
        run(List.of(venv.resolve("bin").resolve("pip").toString(), "install", "--quiet", "moto[server]>=5.1,<6"));
        return venvPython;
    }

    private static boolean canRunMoto(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import moto.server, moto.stepfunctions.models")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path launcher() throws IOException {
        Path file = Files.createTempFile("qa-bridge-moto-launcher-", ".py");
        file.toFile().deleteOnExit();
        try (var in = MotoServer.class.getResourceAsStream("moto_launcher.py")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed: install moto yourself (pip install \"moto[server]\") or set MOTO_PYTHON to a Python that has it");
        }
    }

    private void awaitReady(Duration limit, Path logFile) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("moto_server exited with " + process.exitValue() + ": " + Files.readString(logFile));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        throw new IOException("moto_server did not answer on port " + port + " within " + limit.toSeconds() + " s");
    }

    private void post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException("moto refused " + path + ": " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
