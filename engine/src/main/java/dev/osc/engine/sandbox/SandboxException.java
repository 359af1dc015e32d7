package dev.osc.engine.sandbox;

/** The sandbox server could not be started, found or stopped; the message says why and what to do. */
public class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
