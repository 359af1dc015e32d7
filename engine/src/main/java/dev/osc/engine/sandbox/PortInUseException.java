package dev.osc.engine.sandbox;

/** The TCP port asked for is already taken by another process, so the sandbox cannot listen on it. */
public final class PortInUseException extends SandboxException {
    private final int port;

    public PortInUseException(int port) {
        super("Port " + port + " on 127.0.0.1 is already in use: choose another port, or port 0 for any free one");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
