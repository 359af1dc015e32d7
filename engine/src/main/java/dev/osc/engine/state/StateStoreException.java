package dev.osc.engine.state;

/**
 * osc's state store could not be read or written: the server is unreachable, the connection was
 * lost, or privileges on the state schema are missing. Checked on purpose: the state is
 * bookkeeping next to a migration, so a running migration logs this and goes on rather than
 * failing, and a control command reports it as a server problem.
 */
public final class StateStoreException extends Exception {
    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
