package dev.qabridge.local.stack;

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
 *
 * <p>Every process started here (moto, and pip while installing it) is stopped when the JVM exits,
 * however it exits: on SIGTERM or Ctrl-C during start-up too, when no one holds a {@code MotoServer}
 * to close yet. Its log file is deleted on {@link #close()} unless moto had exited by itself (then the
 * log is what explains it).
 */
public final class MotoServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String REQUIREMENT = "moto[server]>=5.1,<6";
    private static final java.util.Set<Process> CHILDREN = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static boolean exiting; // guarded by CHILDREN

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<Process> running;
            synchronized (CHILDREN) {
                exiting = true;
                running = List.copyOf(CHILDREN);
            }
            running.parallelStream().forEach(MotoServer::stop);
        }, "stop-moto"));
    }

    private final Process process;
    private final int port;
    private final Path logFile;

    private MotoServer(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Starts moto on {@code port}, its Task states calling Lambda on {@code routerPort}, its output in
     * {@code logFile}. Throws {@link CannotStart} when no Python with moto can be found or installed.
     */
    public static MotoServer start(int port, int routerPort, Path logFile) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(python(), launcher().toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)));
        pb.environment().put("MOTO_PORT", String.valueOf(routerPort));
        pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
        MotoServer moto = new MotoServer(tracked(pb), port, logFile);
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

    /** The process id of moto, and of each process it started (none, usually). */
    public List<Long> pids() {
        List<Long> pids = new java.util.ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(d -> pids.add(d.pid()));
        return pids;
    }

    /** The private venv moto is installed into when no Python has it: {@code $HOME/.cache/qa-bridge/moto-venv} (as {@code .ci/run}). */
    static Path venv() {
        String home = Optional.ofNullable(System.getenv("HOME")).filter(h -> !h.isBlank()).orElse(System.getProperty("user.home"));
        return Path.of(home, ".cache", "qa-bridge", "moto-venv");
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
        Path venv = venv();
        String venvPython = venv.resolve("bin").resolve("python").toString();
        candidates.add(venvPython);
        for (String candidate : candidates) {
            if (canRunMoto(candidate)) {
                return candidate;
            }
        }
        System.err.println("qa-bridge: moto server not found: installing " + REQUIREMENT + " into " + venv + " (one time)");
        // No retries and a short timeout: where PyPI is unreachable, say so at once instead of five warnings later.
        String failure = run("python3 -m venv", List.of("python3", "-m", "venv", venv.toString()))
                .or(() -> run("pip install", List.of(venv.resolve("bin").resolve("pip").toString(), "install", "--quiet",
                        "--disable-pip-version-check", "--retries", "0", "--timeout", "5", REQUIREMENT)))
                .orElse(null);
        if (failure != null || !canRunMoto(venvPython)) {
            throw new CannotStart(notFound(venv, failure == null ? "pip installed it, yet " + venvPython + " cannot import moto.server" : failure));
        }
        return venvPython;
    }

    /** The one paragraph a person reads when moto is nowhere and could not be installed ({@code failure}: what the install said). */
    static String notFound(Path venv, String failure) {
        Path pip = venv.resolve("bin").resolve("pip");
        return "qa-bridge needs moto server (the Python package " + REQUIREMENT + ") to run DynamoDB and Step Functions\n"
                + "on this machine. It is not in $MOTO_PYTHON, behind moto_server on PATH, in python3, or in the venv\n"
                + venv + ", and installing it there failed (is PyPI reachable from here?):\n"
                + "  " + failure + "\n"
                + "Install it where PyPI is reachable, then run this again: pip install \"" + REQUIREMENT + "\" (moto_server\n"
                + "is then on PATH), or fill that venv: python3 -m venv " + venv + " && \\\n"
                + "  " + pip + " install \"" + REQUIREMENT + "\"\n"
                + "or set MOTO_PYTHON to a Python that has it.";
    }

    private static boolean canRunMoto(String python) {
        try {
            Process p = tracked(new ProcessBuilder(python, "-c", "import moto.server, moto.stepfunctions.models")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
            try {
                return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
            } finally {
                stop(p);
            }
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Starts a child process that is stopped at JVM exit unless {@link #stop} stopped it before. */
    private static Process tracked(ProcessBuilder pb) throws IOException {
        synchronized (CHILDREN) {
            if (exiting) {
                throw new IOException("not starting " + pb.command().get(0) + ": this JVM is exiting");
            }
            Process p = pb.start();
            CHILDREN.add(p);
            return p;
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

    /** Runs an install step with its output captured; empty when it succeeded, else "step: its last error line". */
    private static Optional<String> run(String step, List<String> command) {
        try {
            Process p = tracked(new ProcessBuilder(command).redirectErrorStream(true));
            try {
                String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (p.waitFor() == 0) {
                    return Optional.empty();
                }
                List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
                String last = lines.stream().filter(l -> l.startsWith("ERROR:") || l.contains("Error")).reduce((a, b) -> b)
                        .or(() -> lines.stream().reduce((a, b) -> b)).orElse("exit code " + p.exitValue());
                return Optional.of(step + ": " + last);
            } finally {
                stop(p);
            }
        } catch (IOException e) {
            return Optional.of(step + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(step + ": interrupted");
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

    /** Stops moto; deletes its log unless moto had exited by itself (then the log says why, and stays). */
    @Override
    public void close() {
        boolean exitedByItself = !process.isAlive();
        stop(process);
        if (!exitedByItself) {
            try {
                Files.deleteIfExists(logFile);
            } catch (IOException e) {
                // a log left behind in the temp dir is no reason to fail a stop
            }
        }
    }

    /** SIGTERM to a process and everything it started, SIGKILL to whatever still runs 5 s later. */
    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            CHILDREN.remove(process);
        }
    }
}
